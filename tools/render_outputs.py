"""Render every output a person reads to PNG pages, to look at them: Word and Excel via LibreOffice, HTML pages
via headless Chromium. A document that looks wrong is wrong, whatever the tests say.

    .venv/bin/python tools/render_outputs.py outbox            # -> test-output/render/<relative path>-<page>.png
    .venv/bin/python tools/render_outputs.py outbox --out /tmp/look --pages 3

Needs ``soffice`` and ``pdftoppm`` (LibreOffice and poppler-utils) for documents and Chromium + chromedriver for
pages (``make test`` installs them where apt-get is available); whatever is missing is said and skipped.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = (".docx", ".xlsx")
PAGES = (".html",)


def _png_name(source: Path, base: Path) -> str:
    return source.relative_to(base).as_posix().replace("/", "__")


def render_documents(files: list[Path], base: Path, out: Path, pages: int) -> list[Path]:
    """Convert ``files`` to PDF with LibreOffice (one private profile), then the first ``pages`` pages to PNG."""
    soffice, pdftoppm = shutil.which("soffice"), shutil.which("pdftoppm")
    if not files:
        return []
    if not soffice or not pdftoppm:
        print("LibreOffice or pdftoppm is missing: Word and Excel outputs are not rendered.", file=sys.stderr)
        return []
    made: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="sglogs-render-") as work:
        work_dir = Path(work)
        for index, source in enumerate(files):
            # one folder per file: two outputs with one name in different folders must not overwrite each other
            folder = work_dir / str(index)
            folder.mkdir()
            subprocess.run([soffice, f"-env:UserInstallation=file://{work_dir / 'profile'}", "--headless",
                            "--convert-to", "pdf", "--outdir", str(folder), str(source)],
                           check=True, capture_output=True, timeout=180)
            pdf = folder / (source.stem + ".pdf")
            if not pdf.exists():
                print(f"{source}: LibreOffice made no PDF.", file=sys.stderr)
                continue
            prefix = out / _png_name(source, base)
            subprocess.run([pdftoppm, "-png", "-r", "70", "-l", str(pages), str(pdf), str(prefix)], check=True,
                           timeout=120)
            made += sorted(prefix.parent.glob(prefix.name + "-*.png"))
            (out / (prefix.name + ".pdf")).write_bytes(pdf.read_bytes())
    return made


def render_pages(files: list[Path], base: Path, out: Path) -> list[Path]:
    """Screenshot each HTML page at desktop (1280 px) and phone (390 px) widths in headless Chromium."""
    if not files:
        return []
    sys.path.insert(0, str(ROOT))
    try:
        from tests.browser import chromium, look_at
    except ImportError as exc:
        print(f"Browser helper unavailable ({exc}): pages are not rendered.", file=sys.stderr)
        return []
    made = []
    try:
        with chromium() as driver:
            for page in files:
                for width in (1280, 390):
                    seen = look_at(driver, page, width, out / f"{_png_name(page, base)}-{width}.png")
                    problems = [*seen.console_errors] + ([f"{seen.overflow_px} px wider than the screen"]
                                                          if seen.overflow_px > 0 else [])
                    if problems:
                        print(f"{page} at {width} px: {'; '.join(problems)}", file=sys.stderr)
                    made.append(seen.screenshot)
    except BaseException as exc:  # pytest.skip outside pytest: Chromium is not installed
        if type(exc).__name__ != "Skipped":
            raise
        print(f"Chromium is missing ({exc}): pages are not rendered.", file=sys.stderr)
    return made


def _unpack_bundles(folder: Path, work: Path) -> list[Path]:
    """Bundles hold an index page and workbooks of their own: unpack each into ``work`` to render those too."""
    unpacked = []
    for bundle in sorted(folder.rglob("*.zip")):
        target = work / bundle.stem
        with zipfile.ZipFile(bundle) as archive:
            for member in archive.infolist():
                name = Path(member.filename)
                if member.is_dir() or name.is_absolute() or ".." in name.parts:
                    continue
                destination = target / name
                destination.parent.mkdir(parents=True, exist_ok=True)
                destination.write_bytes(archive.read(member))
        unpacked.append(target)
    return unpacked


def main(argv: list[str] | None = None) -> int:
    """Render what is under the given folder; print the PNG files made."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="an outbox, or any folder of outputs")
    parser.add_argument("--out", type=Path, default=ROOT / "test-output" / "render")
    parser.add_argument("--pages", type=int, default=2, help="pages of each document to render")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="sglogs-bundles-") as work:
        made = []
        for base in [args.folder, *_unpack_bundles(args.folder, Path(work))]:
            files = sorted(p for p in base.rglob("*") if p.is_file() and not p.name.startswith((".", "~")))
            made += render_documents([p for p in files if p.suffix in DOCUMENTS], base, args.out, args.pages)
            made += render_pages([p for p in files if p.suffix in PAGES], base, args.out)
    for path in made:
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
