"""``sglogs read`` and ``read_log`` as a user meets them, and hostile edits that must never crash the reader.

Field-by-field fidelity lives in ``test_fidelity.py``; format safety in ``test_sniff.py``. Here: the JSON
contract, exit codes, the summary, macro-enabled files, and structure-aware fuzzing of real logs."""

from __future__ import annotations

import csv
import io
import json
import random
import time
import zipfile
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from openpyxl import load_workbook
from typer.testing import CliRunner

from sglogs.cli import app
from sglogs.config import Settings, load_settings
from sglogs.errors import InputError
from sglogs.generate.logs import GenerateOptions, generate_logs
from sglogs.models import ParsedLog
from sglogs.read import read_log

from .conftest import DATA

runner = CliRunner()
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def make_log(tmp_path: Path, settings: Settings) -> tuple[Path, Path]:
    roster = tmp_path / "roster.csv"
    with roster.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Staff ID", "Name", "Role", "Setting", "Framework", "Level", "Period start"])
        writer.writerow(["R1", "Rosa Reader", "Practitioner", "Acorns", "Norfolk", "Stage 3", "01/01/2026"])
    generate_logs(GenerateOptions(roster=roster, out=tmp_path / "logs"), settings)
    docx_path = next((tmp_path / "logs").rglob("*.docx"))
    xlsx_path = next((tmp_path / "logs").rglob("*.xlsx"))
    document = docx.Document(docx_path)
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Date")
    rows = [("14/03/2026", "[bold]Safeguarding[/bold] e-learning", "E-learning", "2.5", "3.1, 3.3",
             "I learned the signs of neglect.\nI now record concerns the same day."),
            ("2nd April 2026", "Supervision", "Supervision", "1", "all", "Talked through a concern.")]
    for row, values in zip(table.rows[1:], rows, strict=False):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    document.save(docx_path)
    wb = load_workbook(xlsx_path)
    for column, value in enumerate(rows[0], start=1):
        wb["Evidence"].cell(row=4, column=column, value=value)
    wb.save(xlsx_path)
    return docx_path, xlsx_path


@pytest.fixture
def filled(tmp_path: Path, settings: Settings) -> tuple[Path, Path]:
    return make_log(tmp_path, settings)


def test_read_json_follows_the_contract(filled: tuple[Path, Path]) -> None:
    result = runner.invoke(app, ["read", str(filled[0]), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= {"log_id", "source", "staff", "framework", "level", "period", "competencies", "entries",
                         "next_steps", "signoff", "warnings"}
    assert data["source"]["format"] == "docx" and len(data["source"]["sha256"]) == 64
    assert data["staff"] == {"id": "R1", "name": "Rosa Reader", "role": "Practitioner", "organisation": "Acorns",
                             "designated_lead": False}
    assert (data["framework"], data["level"]) == ("norfolk-nscp-2024", "3")
    assert data["period"] == {"start": "2026-01-01", "end": "2026-12-31"}
    first, second = data["entries"]
    assert first == {"row": 1, "date": "2026-03-14", "date_precision": "day",
                     "activity": "[bold]Safeguarding[/bold] e-learning", "type": "E-learning", "hours": 2.5,
                     "competencies": ["3.1", "3.3"],
                     "reflection": "I learned the signs of neglect.\nI now record concerns the same day.",
                     "next_steps": None}
    assert second["date"] == "2026-04-02"
    assert second["competencies"] == [c["id"] for c in data["competencies"]]  # "all" = every listed competency
    assert data["signoff"] == {"manager": None, "date": None, "outcome": None, "next_review": None}


def test_read_summary_shows_who_what_and_prints_typed_text_literally(filled: tuple[Path, Path]) -> None:
    result = runner.invoke(app, ["read", str(filled[1])])
    assert result.exit_code == 0, result.output
    assert "Rosa Reader (R1)" in result.output
    assert "1 evidence entry" in result.output
    # what a person typed is not taken as markup; the table wraps it at spaces (issue 16), so compare words
    assert "[bold]Safeg" in result.output  # a long word too wide for the column ends in an ellipsis


@pytest.mark.parametrize(
    ("content", "phrase"),
    [
        (b"", "empty"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024, "97-2003"),
        (b"just some text\n", "not a Word, Excel or PDF log"),
    ],
    ids=["empty", "legacy-ole", "text"],
)
def test_unreadable_files_exit_3_with_one_sentence(tmp_path: Path, content: bytes, phrase: str) -> None:
    path = tmp_path / "log.docx"
    path.write_bytes(content)
    result = runner.invoke(app, ["read", str(path)])
    assert result.exit_code == 3
    assert phrase in result.output and "Traceback" not in result.output


def test_a_foreign_layout_reads_with_a_warning_not_an_error() -> None:
    log = read_log(DATA / "foreign-cpd-learning-record.docx", load_settings())
    assert log.log_id is None and log.entries
    assert any("carries no sglogs identity" in w for w in log.warnings)


def test_a_macro_enabled_copy_is_read_as_data_with_a_warning(filled: tuple[Path, Path], tmp_path: Path) -> None:
    source = filled[0]
    target = tmp_path / "log.docm"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml")
            zout.writestr(item, data)
        zout.writestr("word/vbaProject.bin", b"\x00" * 64)
    log = read_log(target, load_settings())
    assert len(log.entries) == 2
    assert any("macros" in w for w in log.warnings)


def test_identity_disagreement_is_reported(filled: tuple[Path, Path], tmp_path: Path) -> None:
    """A log whose footer was copied from someone else's keeps its properties' identity, with a warning."""
    document = docx.Document(filled[0])
    footer = document.sections[0].footer.paragraphs[0]
    for run in footer.runs:
        run.text = run.text.replace("staff R1", "staff X9").replace("log R1-", "log X9-")
    path = tmp_path / "copied.docx"
    document.save(path)
    log = read_log(path, load_settings())
    assert log.staff.id == "R1"
    assert any("check the file is the right person's log" in w for w in log.warnings)


# ----------------------------------------------------------------------------------------------- fuzzing

_DOCX_EDITS = ("wrap_sdt", "drop", "duplicate", "span", "vmerge", "grid_before", "text", "del_wrap", "field")


def _edit_docx_xml(xml: bytes, rng: random.Random, edits: int) -> bytes:
    root = etree.fromstring(xml)
    elements = [e for e in root.iter() if isinstance(e.tag, str) and e.getparent() is not None]
    for _ in range(edits):
        target = rng.choice(elements)
        kind = rng.choice(_DOCX_EDITS)
        parent = target.getparent()
        if parent is None:
            continue
        if kind == "wrap_sdt":
            sdt = etree.Element(f"{W}sdt")
            content = etree.SubElement(sdt, f"{W}sdtContent")
            parent.replace(target, sdt)
            content.append(target)
        elif kind == "drop":
            parent.remove(target)
        elif kind == "duplicate":
            target.addnext(etree.fromstring(etree.tostring(target)))
        elif kind in ("span", "grid_before", "vmerge"):
            tag = {"span": "gridSpan", "grid_before": "gridBefore", "vmerge": "vMerge"}[kind]
            value = rng.choice(["0", "-3", "2", "99999", "x", "restart", "continue"])
            etree.SubElement(target, f"{W}{tag}", {f"{W}val": value})
        elif kind == "text":
            node = etree.SubElement(target, f"{W}t")
            node.text = rng.choice(["", "14/03/2026", "all", "½ day", "\u202e", "x" * 500, "4.1-4.99", "&amp;"])
        elif kind == "del_wrap":
            wrapper = etree.Element(f"{W}{rng.choice(['del', 'ins', 'moveFrom', 'smartTag', 'customXml'])}")
            parent.replace(target, wrapper)
            wrapper.append(target)
        elif kind == "field":
            for fld in ("begin", "separate", "end")[: rng.randint(1, 3)]:
                run = etree.SubElement(target, f"{W}r")
                etree.SubElement(run, f"{W}fldChar", {f"{W}fldCharType": fld})
        if target in elements and target.getparent() is None:
            elements.remove(target)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _rezip(source: Path, replace: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item.filename, replace.get(item.filename, zin.read(item)))
    return out.getvalue()


@pytest.fixture(scope="module")
def fuzz_sources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("fuzz")
    settings = load_settings(outbox=folder / "outbox")
    docx_path, xlsx_path = make_log(folder, settings)
    return {"docx": docx_path, "xlsx": xlsx_path, "pdf": DATA / "pdf-hyphen-wrapped-words.pdf"}


def _read_or_refuse(path: Path, settings: Settings) -> ParsedLog | None:
    start = time.perf_counter()
    try:
        log = read_log(path, settings)
    except InputError as exc:
        assert exc.message and "\n" not in exc.message
        log = None
    assert time.perf_counter() - start < 10, "a mutated file must not hang the reader"
    return log


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow,
                                                                                   HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), edits=st.integers(1, 12))
def test_structure_aware_edits_of_a_word_log_never_crash_the_reader(
    fuzz_sources: dict[str, Path], tmp_path: Path, seed: int, edits: int
) -> None:
    source = fuzz_sources["docx"]
    with zipfile.ZipFile(source) as zf:
        xml = zf.read("word/document.xml")
    mutated = _edit_docx_xml(xml, random.Random(seed), edits)
    path = tmp_path / f"fuzz-{seed}.docx"
    path.write_bytes(_rezip(source, {"word/document.xml": mutated}))
    _read_or_refuse(path, load_settings())


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow,
                                                                                   HealthCheck.function_scoped_fixture])
@given(fmt=st.sampled_from(["docx", "xlsx", "pdf"]), data=st.data())
def test_byte_mutations_of_real_logs_are_read_or_refused(
    fuzz_sources: dict[str, Path], tmp_path: Path, fmt: str, data: st.DataObject
) -> None:
    content = bytearray(fuzz_sources[fmt].read_bytes())
    for _ in range(data.draw(st.integers(1, 8), label="mutations")):
        at = data.draw(st.integers(0, len(content) - 1), label="at")
        action = data.draw(st.sampled_from(["flip", "truncate", "insert", "zero"]), label="action")
        if action == "flip":
            content[at] ^= data.draw(st.integers(1, 255), label="bits")
        elif action == "truncate":
            del content[at:]
            if not content:
                break
        elif action == "insert":
            content[at:at] = data.draw(st.binary(min_size=1, max_size=64), label="bytes")
        else:
            content[at : at + 32] = bytes(len(content[at : at + 32]))
    path = tmp_path / f"mutated.{fmt}"
    path.write_bytes(bytes(content))
    _read_or_refuse(path, load_settings())


def test_huge_spans_and_far_away_cells_do_not_exhaust_memory(fuzz_sources: dict[str, Path], tmp_path: Path) -> None:
    source = fuzz_sources["docx"]
    with zipfile.ZipFile(source) as zf:
        xml = zf.read("word/document.xml").decode()
    xml = xml.replace("<w:tcPr>", '<w:tcPr><w:gridSpan w:val="2000000000"/>', 50)
    path = tmp_path / "spans.docx"
    path.write_bytes(_rezip(source, {"word/document.xml": xml.encode()}))
    assert _read_or_refuse(path, load_settings()) is not None
    wb = load_workbook(fuzz_sources["xlsx"])
    wb["Evidence"]["A1048576"] = "far away"
    far = tmp_path / "far.xlsx"
    wb.save(far)
    log = _read_or_refuse(far, load_settings())
    assert log is not None and any("below row" in w for w in log.warnings)


def test_parsed_json_reads_back_the_same_log(filled: tuple[Path, Path], tmp_path: Path) -> None:
    """The JSON a review writes is read again by the register, renewal and bundles: a month-only date too."""
    document = docx.Document(filled[0])
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Date")
    table.rows[1].cells[0].text = "March 2026"
    path = tmp_path / "month.docx"
    document.save(path)
    log = read_log(path, load_settings())
    assert ParsedLog.model_validate_json(log.model_dump_json()) == log
