"""Keying sheets: the Excel log of a paper log, into which a manager types the handwritten entries once.

A scanned paper log gives its identity (the page codes) but not its entries. ``keying_workbook`` writes the
very Excel log sglogs generates for that identity (same template, same properties and defined names, so
``sglogs read`` reads it back like any Excel log), filled with the person when known, plus a sheet
"Scanned pages" listing the page images with links relative to the workbook, to look at while typing.
"""

from __future__ import annotations

import datetime as dt
import os
import posixpath
import re
import zlib
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from pydantic import BaseModel, ConfigDict, Field

from ..config import Settings, load_settings
from ..core.identity import footer_line
from ..core.ooxml import write_package
from ..errors import KeyingError
from ..frameworks import installed_frameworks, required_competencies
from ..models import LogIdentity, StaffMember
from ..roster import RosterRules, read_roster
from ..shipped import template_file
from .context import log_context
from .prepared import identity_parts
from .xlsx import XlsxLogTemplate

#: The name of the sheet listing the scanned pages.
PAGES_SHEET = "Scanned pages"
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_SHEET_TYPE = f"{_REL_NS}/worksheet"
_LINK_TYPE = f"{_REL_NS}/hyperlink"
_SHEET_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


class KeyingOptions(BaseModel):
    """One ``sglogs keying-sheet`` run: whose log (an identity, or a generated log to take it from), the
    page images, where to write, and the roster the person is taken from (``None``: not known, the
    sheet then names the person by staff id).

    Example:
        >>> KeyingOptions(identity=ident, pages=(Path("p1.jpg"),), out=Path("k.xlsx")).roster  # doctest: +SKIP
        None
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    identity: LogIdentity
    pages: tuple[Path, ...] = Field(min_length=1)
    out: Path
    roster: Path | None = None


def keying_workbook(
    identity: LogIdentity, page_images: list[Path], out: Path, person: StaffMember | None = None
) -> Path:
    """Write the keying workbook of a paper log to ``out`` (atomically) and return ``out``.

    ``person`` fills the cover (name, role, setting, manager); ``None`` means not known: the cover then
    names the person by staff id. A ``person`` whose staff id is not the log's raises ``KeyingError``.

    Example:
        >>> keying_workbook(ident, [Path("scans/p1.png"), Path("scans/p2.png")], Path("scans/keying.xlsx"))
        ... # doctest: +SKIP
        PosixPath('scans/keying.xlsx')
    """
    return _write_keying(identity, page_images, out, person, load_settings())


def _write_keying(identity: LogIdentity, page_images: Sequence[Path], out: Path, person: StaffMember | None,
                  settings: Settings) -> Path:
    frameworks = installed_frameworks(settings.frameworks_dir)
    framework = frameworks.get(identity.framework)
    if framework is None:
        raise KeyingError(f"The log's framework '{identity.framework}' is not installed; add it to "
                          "frameworks_dir or check the page code.")
    if person is not None and person.staff_id != identity.staff_id:
        raise KeyingError(f"The person given is staff {person.staff_id} but the log is staff "
                          f"{identity.staff_id}'s; check the roster row or the page code.")
    person = (person or StaffMember(staff_id=identity.staff_id, name=identity.staff_id, framework=framework.id,
                                    level=identity.level)).model_copy(
        update={"framework": framework.id, "level": identity.level, "period_start": identity.period_start})
    try:
        competencies = required_competencies(framework, person.level, person.additional)
    except KeyError as exc:
        raise KeyingError(f"Level '{identity.level}' or competency {exc} is not in {framework.title}; check "
                          "the page code or the roster row.") from None
    context = log_context(person, framework, competencies, identity, settings.generate, settings.organisation,
                          dt.date.today())
    template = XlsxLogTemplate.prepare(template_file("log.xlsx", settings.templates_dir))
    parts = _log_parts(template, context, identity)
    order = template.package_order(parts)
    links = [_link(Path(p), Path(out)) for p in page_images]
    _add_pages_sheet(parts, order, [Path(link).as_posix() for link in links], footer_line(identity))
    write_package(out, order, {}, parts, mode=settings.output.file_mode_bits)
    return out


def keying_sheet(options: KeyingOptions, settings: Settings) -> Path:
    """The keying workbook ``options`` ask for, with the person from ``options.roster`` when given.

    Raises ``KeyingError`` when the roster has no row for the log's staff id.

    Example:
        >>> keying_sheet(KeyingOptions(identity=ident, pages=(Path("p1.png"),), out=Path("k.xlsx")),
        ...     load_settings())  # doctest: +SKIP
        PosixPath('k.xlsx')
    """
    person = None
    if options.roster is not None:
        rules = RosterRules.from_frameworks(installed_frameworks(settings.frameworks_dir))
        person = next((p for p in read_roster(options.roster, rules)
                       if isinstance(p, StaffMember) and p.staff_id == options.identity.staff_id), None)
        if person is None:
            raise KeyingError(f"The roster {options.roster} has no valid row for staff {options.identity.staff_id}; "
                              "add the person or leave out --roster.")
    return _write_keying(options.identity, options.pages, options.out, person, settings)


def identity_from_log(path: Path, settings: Settings) -> LogIdentity:
    """The identity a generated (or completed) log carries, for a keying sheet made from the log itself.

    Raises ``KeyingError`` when the log carries no sglogs identity, ``InputError`` when it cannot be read.

    Example:
        >>> identity_from_log(Path("outbox/logs/Hillside/NS001_Hartley_2026-01-01_2026-12-31.xlsx"),
        ...     load_settings()).staff_id  # doctest: +SKIP
        'NS001'
    """
    from ..read.log import read_log  # reading only when the identity comes from a file

    log = read_log(path, settings)
    if not (log.log_id and log.staff.id and log.framework and log.level and log.period.start and log.period.end):
        raise KeyingError(f"{path} carries no sglogs identity; give --log-id, --staff, --framework, --level, "
                          "--start and --end instead.")
    return LogIdentity(log_id=log.log_id, staff_id=log.staff.id, framework=log.framework, level=log.level,
                       period_start=log.period.start, period_end=log.period.end)


def _log_parts(template: XlsxLogTemplate, context: dict, identity: LogIdentity) -> dict[str, bytes]:
    """Every part of the log as ``template.write`` would write it, uncompressed, to add a sheet to."""
    rendered = template.render_parts(context)
    rendered |= template.page_code_parts(context, identity, rendered)
    rendered |= identity_parts(context, identity, dt.datetime.now(dt.UTC))
    static = {name: zlib.decompress(part.data, -15) for name, part in template.static.items()}
    return {name: rendered[name] if name in rendered else static[name] for name in template.package_order(rendered)}


def _add_pages_sheet(parts: dict[str, bytes], order: list[str], links: Sequence[str], footer: str) -> None:
    """Add the "Scanned pages" sheet (last, after the hidden lists) with a linked row per page image."""
    number = 1 + max(int(m) for n in parts if (m := _sheet_number(n)))
    sheet = f"xl/worksheets/sheet{number}.xml"
    rels_name = f"xl/worksheets/_rels/sheet{number}.xml.rels"
    rows = [
        _row(1, [f"{PAGES_SHEET} of this paper log"]),
        _row(2, ["Type each page's entries into the Evidence, Competencies and Next steps sheets."]),
        _row(3, ["The links open the page images; they are relative to this workbook, so keep them beside it."]),
        _row(4, ["Page", "Image file"]),
        *(_row(5 + i, [str(i + 1), posixpath.basename(link) or link]) for i, link in enumerate(links)),
    ]
    hyperlinks = "".join(f'<hyperlink ref="B{5 + i}" r:id="rIdPage{i + 1}"/>' for i in range(len(links)))
    hyperlinks = f"<hyperlinks>{hyperlinks}</hyperlinks>" if links else ""  # an empty list is not allowed
    parts[sheet] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN_NS}" '
        f'xmlns:r="{_REL_NS}"><sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
        '<cols><col min="1" max="1" width="8" customWidth="1"/><col min="2" max="2" '
        f'width="60" customWidth="1"/></cols><sheetData>{"".join(rows)}</sheetData>'
        f"{hyperlinks}"
        '<pageMargins left="0.5" right="0.5" top="0.6" bottom="0.7" header="0.3" footer="0.3"/>'
        '<pageSetup paperSize="9" orientation="portrait" fitToWidth="1" fitToHeight="0"/>'
        # printed, this page says whose log it is like every other (``&`` is a code in footers: doubled)
        f"<headerFooter><oddFooter>{escape('&L&7' + footer.replace('&', '&&'))}</oddFooter></headerFooter>"
        "</worksheet>"
    ).encode()
    parts[rels_name] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
        'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(f'<Relationship Id="rIdPage{i + 1}" Type="{_LINK_TYPE}" Target={quoteattr(link)} '
                  'TargetMode="External"/>' for i, link in enumerate(links))
        + "</Relationships>"
    ).encode()
    workbook_rels = parts["xl/_rels/workbook.xml.rels"].decode()
    rel_id = "rIdScannedPages"
    parts["xl/_rels/workbook.xml.rels"] = workbook_rels.replace(
        "</Relationships>", f'<Relationship Id="{rel_id}" Type="{_SHEET_TYPE}" '
        f'Target="/xl/worksheets/sheet{number}.xml"/></Relationships>').encode()
    workbook = parts["xl/workbook.xml"].decode()
    sheet_id = 1 + max(int(i) for i in re.findall(r'sheetId="(\d+)"', workbook))
    parts["xl/workbook.xml"] = workbook.replace(
        "</sheets>", f'<sheet xmlns:r="{_REL_NS}" name="{PAGES_SHEET}" sheetId="{sheet_id}" r:id="{rel_id}"/>'
        "</sheets>").encode()
    types = parts["[Content_Types].xml"].decode()
    parts["[Content_Types].xml"] = types.replace(
        "</Types>", f'<Override PartName="/{sheet}" ContentType="{_SHEET_CONTENT}"/></Types>').encode()
    order[order.index("xl/workbook.xml") + 1:order.index("xl/workbook.xml") + 1] = [sheet, rels_name]


def _link(image: Path, workbook: Path) -> str:
    """The image relative to the workbook's folder, so the pair can move together; absolute across drives."""
    try:
        return os.path.relpath(image.absolute(), workbook.absolute().parent)
    except ValueError:  # Windows: another drive has no relative path
        return str(image.absolute())


def _sheet_number(name: str) -> str | None:
    match = re.fullmatch(r"xl/worksheets/sheet(\d+)\.xml", name)
    return match.group(1) if match else None


def _row(number: int, values: Sequence[str]) -> str:
    # inline strings, never formulas: a file name such as "=1+1.png" stays text
    cells = "".join(f'<c r="{col}{number}" t="inlineStr"><is><t xml:space="preserve">{escape(v)}</t></is></c>'
                    for col, v in zip("AB", values, strict=False))
    return f'<row r="{number}">{cells}</row>'
