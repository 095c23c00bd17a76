"""Build ``sglogs/data/templates/log.xlsx``, the Excel competency log template, with openpyxl.

Run ``.venv/bin/python tools/build_log_xlsx.py`` after changing the layout; the result is committed, and an
organisation may also edit the workbook in Excel directly (keep the placeholders). Placeholder conventions are
in ``sglogs/generate/xlsx.py`` and docs/templates.md.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.drawing.image import Image
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break

from sglogs.generate.context import COMPETENCY_HEADER_POINTS, EVIDENCE_ROWS_PER_PAGE, GUIDANCE
from sglogs.generate.qr import qr_png

OUT = Path(__file__).resolve().parent.parent / "sglogs" / "data" / "templates" / "log.xlsx"
ACCENT = "1F5F5B"  # dark teal, the same accent as the Word log
LIGHT = "E6F0EF"
# Rows with drop-downs on the evidence sheet; people can copy rows further down.
EVIDENCE_ROWS = 60
NEXT_STEP_ROWS = 8
FONT = "Arial"

thin = Side(style="thin", color="A6A6A6")
BORDER = Border(left=thin, right=thin, top=thin, bottom=thin)
HEADER_FILL = PatternFill("solid", fgColor=ACCENT)
LABEL_FILL = PatternFill("solid", fgColor=LIGHT)
HEADER_FONT = Font(name=FONT, bold=True, color="FFFFFF", size=10)
BODY = Font(name=FONT, size=10)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
UNLOCKED = Protection(locked=False)


def title(ws, cell: str, text: str, size: int = 14) -> None:
    ws[cell] = text
    ws[cell].font = Font(name=FONT, bold=True, size=size, color=ACCENT)


def header_row(ws, row: int, labels: list[str]) -> None:
    for col, label in enumerate(labels, start=1):
        c = ws.cell(row=row, column=col, value=label)
        c.font, c.fill, c.border = HEADER_FONT, HEADER_FILL, BORDER
        c.alignment = Alignment(wrap_text=True, vertical="center")


#: Width of the column at the right of each printed sheet that holds the page code (characters).
QR_COLUMN_WIDTH = 16
#: The printed side of an Excel page code in LibreOffice. LibreOffice's columns come out wider than Excel's, so it
#: fits a sheet to the page at a smaller scale (the Competencies sheet: about 60% against Excel's 78%): measured,
#: a picture prints at about the square of Excel's scale (2.17 cm at 78% printed 1.33 cm). Drawn for 1.8 cm in
#: LibreOffice (as in Word), the code prints about 2.3 cm from Excel, in its own column. At 1.6 cm, codes of pages
#: scanned at 150 dpi and turned 4 degrees decoded 7 times in 14; at 1.8 cm, 14 in 14. Page breaks (context.py)
#: are worked out for Excel's larger scale, so LibreOffice's pages are less full, never overfull.
QR_PRINTED_CM = 1.8
#: The name the generator finds page-code pictures by (sglogs/generate/xlsx.py puts in each log's own code).
PAGE_CODE_NAME = "sglogs page code"
_PLACEHOLDER = "SGLOG1;placeholder;placeholder;placeholder;0;20000101;20000101;0"


def print_scale(ws, landscape: bool, columns: int) -> float:
    """The scale "fit to one page wide" prints the sheet at (A4, 0.5 inch side margins), as LibreOffice does."""
    widths = [ws.column_dimensions[get_column_letter(c)].width or 8.43 for c in range(1, columns + 1)]
    sheet_points = sum(int(7 * w + 5) for w in widths) * 0.75  # Excel's column width to pixels, at 96 dpi
    paper_points = ((29.7 if landscape else 21.0) / 2.54 - 1.0) * 72
    return min(1.0, paper_points / sheet_points)


def page_code(ws, rows: list[int], landscape: bool) -> None:
    """Placeholder page-code pictures in a narrow column right of the sheet, at the first row of each page.

    ``rows`` are 1-based row numbers. The picture is drawn larger by the print scale (squared, see
    QR_PRINTED_CM), so that it prints at QR_PRINTED_CM in LibreOffice.
    """
    column = ws.max_column + 1
    ws.column_dimensions[get_column_letter(column)].width = QR_COLUMN_WIDTH
    pixels = round(QR_PRINTED_CM / 2.54 * 96 / print_scale(ws, landscape, column) ** 2)
    for row in rows:
        picture = Image(io.BytesIO(qr_png(_PLACEHOLDER)))
        picture.width = picture.height = pixels
        ws.add_image(picture, f"{get_column_letter(column)}{row}")


def page_setup(ws, landscape: bool, repeat_rows: str | None = None) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.7, footer=0.3)
    ws.oddFooter.left.text = "{{ log.footer|hf }}"
    ws.oddFooter.left.size, ws.oddFooter.left.color = 7, "808080"
    ws.oddFooter.right.text = "Page &P of &N"
    ws.oddFooter.right.size, ws.oddFooter.right.color = 7, "808080"
    if repeat_rows:
        ws.print_title_rows = repeat_rows


def cover(wb: Workbook) -> None:
    ws = wb.active
    ws.title = "Cover"
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 80
    title(ws, "A1", "Safeguarding Children Competency Log", 18)
    ws["A2"] = "{{ organisation }}"
    ws["A2"].font = Font(name=FONT, bold=True, size=12)
    ws["A3"] = "{{ framework.title }}"
    ws["A3"].font = Font(name=FONT, size=11, color=ACCENT)
    fields = [
        ("Name", "{{ staff.name }}"),
        ("Staff ID", "{{ staff.id }}"),
        ("Role", "{{ staff.role }}"),
        ("Setting / team", "{{ staff.setting }}"),
        ("Manager", "{{ staff.manager }}"),
        ("Framework", "{{ framework.title }}"),
        ("Level", "{{ level.heading }}{% if level.who %} – {{ level.who }}{% endif %}"),
        ("Log period", "{{ log.period_start }} to {{ log.period_end }} ({{ log.months }} months)"),
        ("Designated or named lead", "{{ staff.designated_lead }}"),
        ("Refresher training", "{{ refresher.sentence }}"),
        ("Log ID", "{{ log.id }}"),
    ]
    for offset, (label, value) in enumerate(fields):
        row = 5 + offset
        a, b = ws.cell(row=row, column=1, value=label), ws.cell(row=row, column=2, value=value)
        a.font, a.fill, a.border, a.alignment = Font(name=FONT, bold=True, size=10), LABEL_FILL, BORDER, WRAP_TOP
        b.font, b.border, b.alignment = BODY, BORDER, WRAP_TOP
    for long_row in (12, 14):  # period and refresher sentence wrap onto two lines
        ws.row_dimensions[long_row].height = 28
    ws.row_dimensions[11].height = 54  # the level, with who it is for, takes up to four lines
    row = 5 + len(fields) + 1
    title(ws, f"A{row}", "How to use this log", 12)
    for text in GUIDANCE:
        row += 1
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
        c = ws.cell(row=row, column=1, value=f"•  {text}")
        c.font, c.alignment = BODY, WRAP_TOP
        ws.row_dimensions[row].height = 28
    row += 2
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
    c = ws.cell(row=row, column=1, value="Record your evidence on the 'Evidence' sheet; your competencies are on the "
                                         "'Competencies' sheet; next steps and sign-off on 'Next steps & sign-off'.")
    c.font, c.alignment = Font(name=FONT, size=10, italic=True), WRAP_TOP
    ws.row_dimensions[row].height = 28
    # the cover says who the log belongs to: locked so it is not changed by accident (no password)
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    page_code(ws, [1], landscape=False)
    page_setup(ws, landscape=False)


def competencies(wb: Workbook) -> None:
    ws = wb.create_sheet("Competencies")
    for col, width in zip("ABCDEFG", (8, 70, 12, 11, 16, 14, 40), strict=True):
        ws.column_dimensions[col].width = width
    title(ws, "A1", "Your competencies ({{ level.name }})")
    ws["A2"] = ("Record evidence against each competency on the Evidence sheet. At review your manager completes "
                "'Met / Not yet met', the evidence rows and a comment.")
    ws["A2"].font = Font(name=FONT, size=10, italic=True)
    header_row(ws, 4, ["Ref", "Competency", "Core / Additional", "From", "Met / Not yet met", "Evidence rows",
                       "Manager comment"])
    values = ["{%row c in competencies %}{{ c.id }}", "{{ c.text }}{% if c.examples %} (including: "
              "{{ c.examples }}){% endif %}", "{{ c.kind }}", "{{ c.from }}", None, None, None]
    for col, value in enumerate(values, start=1):
        c = ws.cell(row=5, column=col, value=value)
        c.font, c.border, c.alignment = BODY, BORDER, WRAP_TOP
    met = DataValidation(type="list", formula1='"Met,Not yet met"', allow_blank=True)
    met.promptTitle, met.prompt = "Manager", "Met or not yet met, at review"
    ws.add_data_validation(met)
    met.add("E5")
    met.showInputMessage = True
    ws.row_dimensions[4].height = COMPETENCY_HEADER_POINTS
    ws.freeze_panes = "A5"
    # the rows are each person's competencies: the generator repeats this one picture and the page break
    # below once per page (see finish())
    # on the first row under the header: a picture reaching into the repeated header row would print a strip
    # of itself on every page
    page_code(ws, [5], landscape=True)
    ws.row_breaks.append(Break(id=5))
    page_setup(ws, landscape=True, repeat_rows="4:4")


def evidence(wb: Workbook) -> None:
    ws = wb.create_sheet("Evidence")
    for col, width in zip("ABCDEF", (13, 34, 22, 8, 16, 70), strict=True):
        ws.column_dimensions[col].width = width
    title(ws, "A1", "Evidence log")
    ws["A2"] = ("Remember to date your evidence. One row per piece of learning; say which competencies it "
                "evidences (e.g. 4.1, 4.3) and what you learned and how you applied it to your practice.")
    ws["A2"].font = Font(name=FONT, size=10, italic=True)
    header_row(ws, 3, ["Date", "Learning activity", "Type of learning", "Hours", "Competencies evidenced",
                       "What I learned and how I applied it to my practice"])
    ws.row_dimensions[3].height = 30
    last = 3 + EVIDENCE_ROWS
    # no fixed row height: Excel then grows a row to fit what is typed, so nothing is cut off when printed
    for row in range(4, last + 1):
        for col in range(1, 7):
            c = ws.cell(row=row, column=col)
            c.font, c.border, c.alignment = BODY, BORDER, WRAP_TOP
        ws.cell(row=row, column=1).number_format = "dd/mm/yyyy"
        ws.cell(row=row, column=4).number_format = "0.0#"
    date = DataValidation(type="date", operator="between", formula1="{{ log.period_start_excel }}",
                          formula2="{{ log.period_end_excel }}", allow_blank=True, errorStyle="warning")
    date.errorTitle = "Date outside your log period"
    date.error = "Dates should fall within {{ log.period_start }} to {{ log.period_end }}. Keep it anyway?"
    date.promptTitle, date.prompt = "Date", "Date of the learning, e.g. 14/03/2026"
    kind = DataValidation(type="list", formula1="=ActivityTypes", allow_blank=True, errorStyle="warning")
    kind.errorTitle, kind.error = "Type of learning", "Not one of the listed types. Keep it anyway?"
    hours = DataValidation(type="decimal", operator="between", formula1="0", formula2="200", allow_blank=True,
                           errorStyle="warning")
    hours.error = "Hours as a number, e.g. 2.5 for two and a half hours."
    kind.promptTitle, kind.prompt = "Type of learning", "Pick from the list, or type your own."
    hours.errorTitle = "Hours"
    hours.promptTitle, hours.prompt = "Hours", "How long it took, e.g. 1.5 (leave empty if it does not apply)."
    # a list allows one id per cell; several ids are typed with commas, so a value not in the list only warns
    comps = DataValidation(type="list", formula1="=CompetencyIds", allow_blank=True, errorStyle="warning")
    comps.promptTitle = "Competencies"
    comps.prompt = "Pick one from the list, or type several separated by commas, e.g. 4.1, 4.3."
    comps.errorTitle = "Several competencies?"
    comps.error = ("Several ids separated by commas (e.g. 4.1, 4.3) are fine: choose Yes to keep them. "
                   "Check each id is on the Competencies sheet.")
    for dv, col in ((date, "A"), (kind, "C"), (hours, "D"), (comps, "E")):
        dv.showErrorMessage = dv.showInputMessage = True
        ws.add_data_validation(dv)
        dv.add(f"{col}4:{col}{last}")
    ws.freeze_panes = "A4"
    # fixed pages: a break every EVIDENCE_ROWS_PER_PAGE rows, and a page code at the top of each page
    starts = list(range(4 + EVIDENCE_ROWS_PER_PAGE, last + 1, EVIDENCE_ROWS_PER_PAGE))
    for start in starts:
        ws.row_breaks.append(Break(id=start - 1))
    page_code(ws, [4, *starts], landscape=True)  # below the repeated header row, as on Competencies
    page_setup(ws, landscape=True, repeat_rows="3:3")


def next_steps(wb: Workbook) -> None:
    ws = wb.create_sheet("Next steps & sign-off")
    for col, width in zip("ABCD", (60, 18, 16, 24), strict=True):
        ws.column_dimensions[col].width = width
    title(ws, "A1", "CPD next steps")
    ws.merge_cells("A2:D2")
    ws["A2"] = ("ENSURE NEXT STEPS IDENTIFIED ARE CAPTURED ON YOUR SETTING'S DEVELOPMENT ACTION PLAN (ANNEX 1) – "
                "this will allow you to monitor developments and evidence progress made.")
    ws["A2"].font = Font(name=FONT, bold=True, size=10)
    ws["A2"].alignment = WRAP_TOP
    ws.row_dimensions[2].height = 30
    header_row(ws, 4, ["Next step", "Competency", "By when", "Added to action plan (annex 1)?"])
    for row in range(5, 5 + NEXT_STEP_ROWS):
        ws.row_dimensions[row].height = 30
        for col in range(1, 5):
            c = ws.cell(row=row, column=col)
            c.font, c.border, c.alignment = BODY, BORDER, WRAP_TOP
        ws.cell(row=row, column=3).number_format = "dd/mm/yyyy"
    yes_no = DataValidation(type="list", formula1='"Yes,No"', allow_blank=True, showInputMessage=True)
    yes_no.promptTitle, yes_no.prompt = "Action plan", "Yes once the next step is on your setting's action plan."
    ws.add_data_validation(yes_no)
    yes_no.add(f"D5:D{4 + NEXT_STEP_ROWS}")
    row = 6 + NEXT_STEP_ROWS
    title(ws, f"A{row}", "Review and sign-off")
    labels = ["Manager name", "Manager signature", "Date of review", "Outcome", "Staff signature", "Date",
              "Next review date"]
    outcome = DataValidation(type="list", formula1='"All competencies met,Not yet met – see next steps"',
                             allow_blank=True, showInputMessage=True)
    outcome.promptTitle, outcome.prompt = "Outcome", "Manager: pick the outcome of the review."
    ws.add_data_validation(outcome)
    for offset, label in enumerate(labels, start=1):
        r = row + offset
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=4)
        a = ws.cell(row=r, column=1, value=label)
        a.font, a.fill, a.border = Font(name=FONT, bold=True, size=10), LABEL_FILL, BORDER
        for col in range(2, 5):
            ws.cell(row=r, column=col).border = BORDER
        ws.row_dimensions[r].height = 28
        if "Date" in label:
            ws.cell(row=r, column=2).number_format = "dd/mm/yyyy"
        if label == "Outcome":
            outcome.add(f"B{r}")
    page_code(ws, [1], landscape=False)
    page_setup(ws, landscape=False)


def carried(wb: Workbook) -> None:
    ws = wb.create_sheet("Carried forward")
    for col, width in zip("ABC", (16, 14, 90), strict=True):
        ws.column_dimensions[col].width = width
    title(ws, "A1", "Carried forward from your last log")
    ws["A2"] = "Your last log's next steps and the competencies not yet met (empty for a first log)."
    ws["A2"].font = Font(name=FONT, size=10, italic=True)
    header_row(ws, 4, ["From last log", "Competency", "What to do"])
    for col, value in enumerate(["{%row c in carried_forward %}{{ c.kind }}", "{{ c.competency }}",
                                 "{{ c.text }}"], start=1):
        cell = ws.cell(row=5, column=col, value=value)
        cell.font, cell.border, cell.alignment = BODY, BORDER, WRAP_TOP
    page_code(ws, [1], landscape=False)
    page_setup(ws, landscape=False)
    ws.page_setup.fitToHeight = 1  # one page, so its one page code is on every page it prints


def lists(wb: Workbook) -> None:
    ws = wb.create_sheet("Lists")
    ws["A1"], ws["B1"] = "Types of learning", "Competency"
    ws["A2"] = "{%row r in list_rows %}{{ r.activity_type }}"
    ws["B2"] = "{{ r.competency_id }}"
    ws.sheet_state = "hidden"
    page_setup(ws, landscape=False)
    # the drop-down lists are as long as this person's lists: the generator renders the end row
    for name, column, items in (("ActivityTypes", "A", "activity_types"), ("CompetencyIds", "B", "competencies")):
        end = f"{{{{ 1 + {items}|length }}}}"
        wb.defined_names[name] = DefinedName(name, attr_text=f"Lists!${column}$2:${column}${end}")


def build(out: Path = OUT) -> Path:
    wb = Workbook()
    cover(wb)
    competencies(wb)
    evidence(wb)
    next_steps(wb)
    carried(wb)
    lists(wb)
    wb.active = 2  # open on the Evidence sheet: that is where people work
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws.title == "Evidence"
    out.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    wb.save(buffer)
    out.write_bytes(finish(buffer.getvalue()))
    return out


#: Where each log's page code of page N goes (sglogs/generate/xlsx.py draws whatever the rendered drawings link).
PAGE_MEDIA = "/xl/media/sglogs-page-{page}.png"
_IMAGE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
#: Printed pages of the Competencies sheet, as the template counts them.
_COMPETENCY_PAGES = "page_codes.competency_rows|length"


def finish(package: bytes) -> bytes:
    """Number the page codes, and make the Competencies sheet's break and picture repeat per page.

    openpyxl cannot write any of it: it names pictures "Image n" and gives each its own fixed file, and its
    page breaks are fixed numbers, where the Competencies sheet's pages depend on each person's competencies
    (``page_codes`` in the log context). Here every picture links ``sglogs-page-<n>.png``, n its printed
    page in the workbook (sheets print in order, the hidden Lists sheet not at all); the generator draws
    each log's code of page n into that file.
    """
    source = zipfile.ZipFile(io.BytesIO(package))
    sheets = _sheet_parts(source)
    drawings = {_drawing_of(source, part): name for name, part in sheets.items() if _has_drawing(source, part)}
    replaced: dict[str, bytes] = {}
    first_page, after_competencies = 1, False
    for sheet_name, part in sheets.items():
        drawing = next((d for d, n in drawings.items() if n == sheet_name), None)
        if drawing is None:
            continue
        text = re.sub(r'name="Image \d+" descr="Picture"', f'name="{PAGE_CODE_NAME}" descr="QR code: which log and '
                      'page this is, for scanned paper logs"', source.read(drawing).decode())
        rels = f"xl/drawings/_rels/{drawing.rsplit('/', 1)[1]}.rels"
        offset = f" + {_COMPETENCY_PAGES}" if after_competencies else ""
        if sheet_name == "Competencies":
            anchor = r"(<oneCellAnchor>.*?<row>)\d+(</row>.*?id=\")\d+(\".*?r:embed=\")rId\d+(\".*?</oneCellAnchor>)"
            text = re.sub(anchor,
                          r"{% for row in page_codes.competency_rows %}{% set page = " + str(first_page)
                          + r" + loop.index0 %}\g<1>{{ row }}\g<2>{{ loop.index }}\g<3>rIdPage{{ page }}\g<4>"
                          r"{% endfor %}", text, flags=re.DOTALL)
            links = ("{% for row in page_codes.competency_rows %}{% set page = " + str(first_page)
                     + " + loop.index0 %}" + _image_rel("{{ page }}") + "{% endfor %}")
            replaced[part] = re.sub(
                rb"<rowBreaks .*?</rowBreaks>",
                b"<rowBreaks><!--SGLOGS:{% for row in page_codes.competency_breaks %}-->"
                b'<brk id="{{ row }}" max="16383" man="1"/><!--SGLOGS:{% endfor %}--></rowBreaks>',
                source.read(part), flags=re.DOTALL)
            after_competencies = True
        else:
            count = len(re.findall(r'r:embed="rId\d+"', text))
            pages = [f"{{{{ {first_page + i}{offset} }}}}" for i in range(count)]
            pieces = re.split(r'r:embed="rId\d+"', text)
            text = pieces[0] + "".join(f'r:embed="rIdPage{page}"{rest}' for page, rest in zip(pages, pieces[1:],
                                                                                             strict=True))
            links = "".join(_image_rel(page) for page in pages)
            first_page += count
        replaced[drawing] = text.encode()
        replaced[rels] = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns='
                          f'"http://schemas.openxmlformats.org/package/2006/relationships">{links}</Relationships>'
                          ).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename.startswith("xl/media/"):
                continue  # openpyxl's placeholder pictures: every log links its own codes instead
            target.writestr(info, replaced.get(info.filename, source.read(info)))
    return out.getvalue()


def _image_rel(page: str) -> str:
    return (f'<Relationship Id="rIdPage{page}" Type="{_IMAGE_REL}" '
            f'Target="{PAGE_MEDIA.format(page=page)}"/>')


def _has_drawing(source: zipfile.ZipFile, sheet: str) -> bool:
    folder, name = sheet.rsplit("/", 1)
    rels = f"{folder}/_rels/{name}.rels"
    return rels in source.namelist() and b"drawing" in source.read(rels)


def _sheet_parts(source: zipfile.ZipFile) -> dict[str, str]:
    workbook = source.read("xl/workbook.xml").decode()
    rels = source.read("xl/_rels/workbook.xml.rels").decode()
    targets = dict(re.findall(r'Target="/?(?:xl/)?([^"]+)" Id="(rId\d+)"', rels))
    by_id = {rid: target for target, rid in targets.items()}
    found = re.findall(r'<sheet [^>]*name="([^"]+)" sheetId="\d+"[^>]*r:id="(rId\d+)"', workbook)
    return {name: f"xl/{by_id[rid]}" for name, rid in found}


def _drawing_of(source: zipfile.ZipFile, sheet: str) -> str:
    folder, name = sheet.rsplit("/", 1)
    rels = source.read(f"{folder}/_rels/{name}.rels").decode()
    target = re.search(r'Target="([^"]*drawing\d+\.xml)"', rels).group(1)
    return "xl/drawings/" + target.rsplit("/", 1)[1]


if __name__ == "__main__":
    print(build())
