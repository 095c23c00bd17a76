"""Rebuild the PDF fixtures (``pdf-*.pdf``) and their expected readings (``pdf-*.expected.json``) in tests/data.

Run from the repository root with LibreOffice headless installed (``soffice``; LibreOffice 7.4 made the committed
files, with the Liberation fonts):

    .venv/bin/python tests/data/make_pdf_fixtures.py

Each fixture is a real log, or a table built the way a person builds one, filled in the way a person fills it and
exported to PDF by LibreOffice, as staff who "save as PDF" do. Next to each PDF the script writes the rows it put in,
with each cell's whitespace folded (a PDF cannot tell a line break typed in a cell from a soft wrap, so the reader
joins a cell's lines with a space): the tests compare ``read_pdf`` with these files, not with strings copied from
its own output.

Nothing here is random: the log id comes from the staff id, framework, level and start date, and LibreOffice lays
out the same text the same way, so a rebuild gives the same tables (the PDF bytes differ in their creation date).
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import openpyxl
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.shared import Cm, Pt
from openpyxl.utils import get_column_letter

from sglogs.config import load_settings
from sglogs.generate.logs import GenerateOptions, generate_logs

DATA = Path(__file__).resolve().parent

HEADERS = (
    "Date",
    "Learning activity",
    "Type of learning",
    "Hours",
    "Competencies evidenced",
    "What I learned and how I applied it to my practice",
)
# Column widths of the sglogs Word template (twentieths of a point), reused for the hand-built tables.
WIDTHS_TWIPS = (1134, 1814, 1474, 737, 1474, 3231)

# (date, activity, type, hours, competencies, reflection). "\n" is where the person pressed Enter (Word) or
# Alt+Enter (Excel) inside the cell; curly apostrophes are what Word's autocorrect types.
EVIDENCE: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("08/01/2026", "Whole-setting safeguarding refresher", "Face-to-face training", "3",
     "4.1, 4.5, 4.10",
     "Refreshed the signs of abuse and neglect and our reporting route. I now keep the DSL’s number on my lanyard "
     "so I can reach her straight away."),
    ("15/01/2026", "Supervision with the DSL", "Supervision", "1",
     "4.4, 4.6",
     "Went through two recent concern forms I had written. I learned to record facts and the child’s own words, "
     "not my interpretation.\nSince then my records say who, what, when and where."),
    ("22/01/2026", "Prevent duty awareness", "E-learning", "1.5",
     "4.3",
     "Completed the Home Office module on radicalisation. I discussed with my room leader how it applies to "
     "families in our setting and added the leaflet to our parent board."),
    ("29/01/2026", "Team meeting: attendance patterns", "Team meeting or briefing", "0.5",
     "4.2, 4.9",
     "We looked at a child whose attendance had dropped. I was reminded that patterns of absence can be an early "
     "indicator of neglect."),
    ("05/02/2026", "Reading: Working Together to Safeguard Children", "Reading or research", "2",
     "4.5",
     "Read chapter 1 on roles and responsibilities. I now understand why early help is everyone’s business, not "
     "only the DSL’s. I shared a summary with my key-worker group."),
    ("12/02/2026", "Webinar on online safety for under-5s", "Webinar or video conference", "1",
     "4.3, 4.7",
     "Learned how young children access devices at home. I updated the tips we give parents at settling-in "
     "sessions."),
    ("19/02/2026", "Case discussion with room leader", "Reflective discussion or peer learning", "1",
     "4.9",
     "We talked through a child’s unexplained bruise and how I asked open questions without leading. I felt more "
     "confident to be professionally curious.\nI wrote it up the same day."),
    ("26/02/2026", "Multi-agency early help workshop", "Multi-agency training", "3.5",
     "4.4, 4.5",
     "Met the family support worker and the health visitor team. I learned what an early help assessment asks "
     "for and how our observations feed into it."),
    ("05/03/2026", "Domestic abuse and its impact on children", "E-learning", "2",
     "4.2, 4.3",
     "Learned how witnessing domestic abuse affects development and behaviour. I now notice when a child "
     "re-enacts arguments in role play and I record it."),
    ("12/03/2026", "Shadowing the DSL at a strategy call", "Shadowing", "1.5",
     "4.4, 4.6",
     "Listened to how information was shared proportionately. I saw the importance of dates and sources in our "
     "chronology."),
    ("14/03/2026", "Safer sleep and bruising protocol", "Face-to-face training", "2.5",
     "4.1, 4.3",
     "The health visitor explained the bruising protocol for non-mobile babies. I can now explain to new staff "
     "why any bruise on a baby who is not yet crawling must be referred.\nWe updated our baby-room induction sheet."),
    ("20/03/2026", "Recording concerns refresher", "Team meeting or briefing", "0.75",
     "4.6",
     "We practised writing a body map entry. I learned to use the setting’s form consistently and to sign and "
     "date every page."),
    ("27/03/2026", "Reading: Keeping Children Safe in Education update", "Reading or research", "1",
     "4.5, 4.10",
     "Noted the changes to the definition of safeguarding. I checked our policy with the manager and we agreed "
     "two small edits."),
    ("02/04/2026", "Supervision with the DSL", "Supervision", "1",
     "4.8",
     "Discussed what to do if I feel a concern is not acted on. I now know the escalation policy and the "
     "partnership’s resolving professional differences procedure."),
    ("09/04/2026", "Neglect toolkit training", "Multi-agency training", "3",
     "4.2, 4.9",
     "Practised using the graded care profile with case examples. I learned to look at the whole picture over "
     "time rather than a single incident."),
    ("16/04/2026", "Webinar: children with SEND and safeguarding", "Webinar or video conference", "1.5",
     "4.3",
     "Learned why disabled children are more at risk and less likely to be heard. I now make sure non-verbal "
     "children’s communication is recorded.\nI added Makaton signs for hurt and sad to our room."),
    ("23/04/2026", "Peer discussion: toileting and intimate care", "Reflective discussion or peer learning", "0.5",
     "4.1, 4.7",
     "We agreed how to explain intimate care to a new parent. I reflected on keeping children’s dignity and our "
     "own safety."),
    ("30/04/2026", "Practice experience: a disclosure", "Practice experience (casework)", "1",
     "4.7, 4.10",
     "A child told me something worrying during play. I listened, did not promise secrecy, reported to the DSL "
     "at once and wrote it down in the child’s words."),
    ("07/05/2026", "Team briefing on county lines", "Team meeting or briefing", "0.5",
     "4.3",
     "Learned how older siblings can be drawn into exploitation. I now know which signs at collection time "
     "could be relevant."),
    ("14/05/2026", "Learning from a local case review", "Learning from a case review (CSPR/SAR)", "2",
     "4.8, 4.9",
     "Read the seven-minute briefing of a Norfolk review. The key message was to challenge when something does "
     "not add up. I used it in our team quiz."),
    ("21/05/2026", "Information sharing: the seven golden rules", "E-learning", "1",
     "4.4, 4.6",
     "Learned when I can share information without consent. I now feel able to explain this to a parent who "
     "asks why we spoke to the health visitor."),
    ("28/05/2026", "Supervision with the manager", "Supervision", "1",
     "4.5",
     "Reviewed my key-worker records. We agreed I will lead the next room meeting on recording."),
    ("04/06/2026", "FGM and honour-based abuse", "E-learning", "1.5",
     "4.3",
     "Learned the mandatory reporting duty and the risk signs before the summer holidays. I checked our "
     "holiday-absence form asks about travel.\nShared the NSPCC helpline number with the team."),
    ("11/06/2026", "Shadowing the early help coordinator", "Shadowing", "2",
     "4.4",
     "Watched an early help meeting with a family. I saw how the plan was written with the parents, not for them."),
    ("18/06/2026", "Reflective account: a late collection", "Reflective discussion or peer learning", "0.5",
     "4.7, 4.9",
     "A child was not collected and the adult who came was not on the list. I followed the procedure and "
     "reflected with my room leader on what went well."),
    ("25/06/2026", "Team meeting: whistleblowing", "Team meeting or briefing", "0.5",
     "4.8",
     "We went through the whistleblowing policy. I know I can go to the LADO if a concern is about a colleague."),
    ("02/07/2026", "Safeguarding conference", "Conference or learning event", "5",
     "4.1, 4.2, 4.5",
     "Attended the partnership’s annual conference. The session on the voice of the child changed how I write "
     "observations. I now start every record with what the child said or did."),
    ("09/07/2026", "Reading: neglect research summary", "Reading or research", "1",
     "4.2",
     "Read the research summary on chronic neglect. I noted that cumulative harm is easy to miss in a busy room."),
    ("16/07/2026", "Supervision with the DSL", "Supervision", "1",
     "4.6, 4.10",
     "Talked through my records for one child over six months. We agreed the chronology showed a pattern and "
     "the DSL made a referral."),
    ("23/07/2026", "Online safety briefing for parents", "Other", "1",
     "4.3, 4.7",
     "I co-led a short session for parents on screen time and sharing photos. Preparing it helped me understand "
     "the risks better myself."),
    ("03/09/2026", "New staff induction: my role", "Face-to-face training", "2",
     "4.10",
     "Helped induct two new practitioners. Explaining our procedures showed me where I was unsure, and I "
     "checked those points with the DSL."),
    ("10/09/2026", "Webinar: contextual safeguarding", "Webinar or video conference", "1",
     "4.2, 4.9",
     "Learned how harm can happen outside the family. I thought about the park and the bus stop near our setting."),
    ("17/09/2026", "Peer learning: body maps", "Reflective discussion or peer learning", "0.5",
     "4.6",
     "Compared our body map entries in pairs. Mine were accurate but I learned to note the size and colour of "
     "marks more precisely."),
    ("24/09/2026", "Practice experience: parent under the influence", "Practice experience (casework)", "1",
     "4.7",
     "A parent arrived to collect and seemed under the influence. I kept the child safe, called the manager and "
     "we followed the procedure.\nAfterwards I wrote a factual record."),
    ("01/10/2026", "Private fostering awareness", "E-learning", "0.5",
     "4.3, 4.4",
     "Learned what private fostering is and that we must tell the local authority. I added a question to our "
     "registration form."),
    ("08/10/2026", "Team meeting: escalation", "Team meeting or briefing", "0.5",
     "4.8",
     "We role-played challenging a decision we disagreed with. I feel more able to ask for a case to be looked "
     "at again."),
    ("22/10/2026", "Multi-agency training: child exploitation", "Multi-agency training", "3",
     "4.2, 4.3, 4.9",
     "Learned the grooming process and how it can start very young. I recognised how trusted adults can be used "
     "to gain access to children."),
    ("05/11/2026", "Supervision with the DSL", "Supervision", "1",
     "4.1, 4.5",
     "Reflected on my learning this year against the competencies. We agreed that I am confident with recording "
     "and want more practice with multi-agency meetings."),
    ("19/11/2026", "Reading: local safeguarding partnership newsletter", "Reading or research", "0.5",
     "4.4",
     "Read the autumn newsletter and the new referral form. I made sure our room copy of the flowchart is the "
     "current one."),
    ("03/12/2026", "Attended a child protection conference with the DSL", "Practice experience (casework)", "2.5",
     "4.4, 4.6, 4.10",
     "Contributed our observations to the conference. I saw how our factual records helped the plan.\nI will "
     "keep writing records as if someone else will read them."),
)

# Very long reflections (a person who writes a lot) for the table whose rows break across pages.
LONG_REFLECTION = (
    "I attended the full-day course with colleagues from two other settings and the local authority. {topic} "
    "The trainer used case studies from Norfolk reviews and asked us to write down what we would have done at "
    "each point, which showed me how often the first signs are small and easy to explain away. In the afternoon "
    "we practised recording a concern from a short video, and comparing our records showed that mine mixed what "
    "I saw with what I thought it meant. Back at the setting I shared the key messages at our team meeting, and "
    "I changed the way I write observations so that facts come first and my view comes after, clearly marked. "
    "I also checked that every member of my room knows where the concern forms are kept and who the deputy DSL "
    "is when the DSL is away. Two weeks later a parent mentioned a change at home, and I recorded it in their "
    "words and passed it on the same day; the DSL said the record was clear and useful. I would like to go on "
    "to the multi-agency course next year so that I understand what happens after a referral is made."
)
LONG_TOPICS = (
    "The morning covered the categories of abuse and how neglect builds up over time.",
    "The morning covered domestic abuse and its effects on babies and toddlers.",
    "The morning covered sexual abuse, grooming and how children may try to tell.",
    "The morning covered information sharing, consent and the seven golden rules.",
    "The morning covered fabricated or induced illness and medical neglect.",
    "The morning covered working with parents who find it hard to engage.",
)

# Long words with optional hyphens ("|" becomes a Word soft hyphen): LibreOffice draws a hyphen only where such a
# word breaks at a line end, so the PDF text holds "prac-" + "tice" exactly as a hyphenating layout produces.
HYPHEN_ROWS = (
    ("06/01/2026", "E-learning: safe|guard|ing basics", "E-learning", "1", "4.1",
     "Un|der|stand|ing the re|spon|si|bil|i|ties of every prac|ti|tion|er, I re|viewed the in|for|ma|tion "
     "shar|ing pro|to|col and the safe|guard|ing pol|i|cy with my man|ag|er and up|dat|ed our prac|tice."),
    ("13/01/2026", "Multi-agency con|fer|ence", "Conference or learning event", "4", "4.4, 4.5",
     "A long day of pre|sen|ta|tions: ac|count|abil|i|ty, con|fi|den|ti|al|i|ty and pro|por|tion|al|i|ty "
     "in re|fer|rals. I com|mu|ni|cat|ed the im|por|tant points to col|leagues af|ter|wards."),
    ("20/01/2026", "Read|ing on neg|lect", "Reading or research", "2", "4.2",
     "Cu|mu|la|tive harm is dif|fi|cult to rec|og|nise; doc|u|men|ta|tion and chro|nol|o|gies help. My "
     "e-learning cer|tif|i|cate is filed and I dis|cussed the com|pre|hen|sive re|search sum|ma|ry in "
     "su|per|vi|sion."),
)


def folded(text: str) -> str:
    """A cell as the PDF reader gives it: lines joined with one space, optional hyphens gone."""
    return " ".join(text.replace("|", "").split())


def generate_log(work: Path) -> tuple[Path, Path]:
    """Generate Amelia Hartley's Norfolk stage 4 log (NS001, 2026) in Word and Excel; return both paths."""
    roster = work / "roster.csv"
    with roster.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Staff ID", "Name", "Role", "Setting", "Manager", "Framework", "Level", "Period start"])
        writer.writerow(["NS001", "Amelia Hartley", "Nursery practitioner", "Sunflower Nursery & Pre-school",
                         "Grace Okafor", "Norfolk", "Stage 4", "01/01/2026"])
    settings = load_settings(outbox=work / "outbox", organisation="Sunflower Nursery & Pre-school")
    generate_logs(GenerateOptions(roster=roster, out=work / "logs"), settings, today=dt.date(2026, 1, 1))
    docx_path = next((work / "logs").rglob("*.docx"))
    return docx_path, docx_path.with_suffix(".xlsx")


def write_cell(cell, text: str) -> None:
    """Type ``text`` into a Word cell, one paragraph per line, keeping the cell's paragraph style."""
    first = cell.paragraphs[0]
    empty = copy.deepcopy(first._p)  # the cell's empty paragraph, with its style, before any text goes in
    lines = text.split("\n")
    first.add_run(lines[0])
    for line in lines[1:]:
        cell._tc.append(copy.deepcopy(empty))
        cell.paragraphs[-1].add_run(line)


def fill_word_log(src: Path, dst: Path) -> None:
    """Fill the evidence table of a generated Word log with all of EVIDENCE, adding rows as Word's Tab does."""
    doc = Document(str(src))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text.strip() == "Date")
    template_row = copy.deepcopy(table.rows[-1]._tr)  # Tab in the last cell copies the last row's formatting
    while len(table.rows) - 1 < len(EVIDENCE):
        table._tbl.append(copy.deepcopy(template_row))
    for row, entry in zip(table.rows[1:], EVIDENCE, strict=True):
        for cell, text in zip(row.cells, entry, strict=True):
            write_cell(cell, text)
    doc.save(str(dst))


def fill_excel_log(src: Path, dst: Path, entries: int) -> None:
    """Fill the Evidence sheet of a generated Excel log with the first ``entries`` rows of EVIDENCE."""
    wb = openpyxl.load_workbook(src)
    ws = wb["Evidence"]
    header_row = next(r for r in range(1, 10) if ws.cell(r, 1).value == "Date")
    for offset, (date, activity, kind, hours, comps, reflection) in enumerate(EVIDENCE[:entries], start=1):
        r = header_row + offset
        ws.cell(r, 1).value = dt.datetime.strptime(date, "%d/%m/%Y")  # a real date cell, shown dd/mm/yyyy
        ws.cell(r, 2).value = activity
        ws.cell(r, 3).value = kind
        ws.cell(r, 4).value = float(hours)  # a number cell, shown with the template's 0.0# format
        ws.cell(r, 5).value = comps
        ws.cell(r, 6).value = reflection
        # The template gives empty rows a fixed height (room for handwriting); a person who types more than
        # fits double-clicks the row border and Excel stores the autofit height, estimated here.
        ws.row_dimensions[r].height = autofit_height(ws, (activity, kind, comps, reflection), (2, 3, 5, 6))
    wb.save(dst)
    wb.close()


def autofit_height(ws, texts: tuple[str, ...], columns: tuple[int, ...]) -> float:
    """Row height in points that shows every line of ``texts`` in Arial 10 (about one character per width unit)."""
    lines = 1
    for text, column in zip(texts, columns, strict=True):
        per_line = int(ws.column_dimensions[get_column_letter(column)].width * 0.95)
        lines = max(lines, sum(-(-len(part) // per_line) for part in text.split("\n")))
    return max(30.0, 12.75 * lines + 4)


def excel_hours(hours: str) -> str:
    """How the template's ``0.0#`` number format shows hours: at least one decimal, at most two."""
    text = f"{float(hours):.2f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def plain_table_document(
    dst: Path, rows: tuple[tuple[str, ...], ...], widths: tuple[int, ...], *, soft_hyphens: bool
) -> None:
    """A plain Word document with one evidence table: header row repeated on each page, rows allowed to split.

    This is how a person who builds their own log in Word makes it: Insert > Table, no "don't split rows".
    ``widths`` are the column widths in twentieths of a point.
    """
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.8))
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = "Arial", Pt(10)
    normal.paragraph_format.space_after = Pt(0)
    doc.add_heading("My safeguarding learning log 2026", level=1)
    doc.add_paragraph("Amelia Hartley, Sunflower Nursery & Pre-school. Evidence for NSCP stage 4.")
    table = doc.add_table(rows=1 + len(rows), cols=len(HEADERS))
    table.style = "Table Grid"
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width * 635  # twips to EMU
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width * 635
    header = table.rows[0]
    header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # "Repeat as header row at top of each page"
    for cell, text in zip(header.cells, HEADERS, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    for row, entry in zip(table.rows[1:], rows, strict=True):
        for cell, text in zip(row.cells, entry, strict=True):
            if soft_hyphens:
                add_with_soft_hyphens(cell.paragraphs[0], text)
            else:
                write_cell(cell, text)
    doc.add_paragraph("Signed: ______________________   Date: ____________")
    # Word and LibreOffice keep the core properties in a PDF export (Document Properties > Keywords).
    doc.core_properties.title = "Safeguarding learning log - Amelia Hartley"
    doc.core_properties.keywords = "safeguarding; learning log; NS001"
    doc.save(str(dst))


def add_with_soft_hyphens(paragraph, text: str) -> None:
    """Write ``text`` with a Word optional hyphen (Ctrl+-) at each "|"."""
    parts = text.split("|")
    for index, part in enumerate(parts):
        run = paragraph.add_run(part)
        if index < len(parts) - 1:
            run._r.append(OxmlElement("w:softHyphen"))


def to_pdf(files: list[Path], out: Path, work: Path) -> None:
    """Export with LibreOffice headless, in a private profile (a desktop LibreOffice left open must not block)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("LibreOffice (soffice) is needed to rebuild the PDF fixtures.")
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{work / 'lo-profile'}", "--headless", "--convert-to", "pdf",
         "--outdir", str(out), *map(str, files)],
        check=True, capture_output=True, timeout=300,
    )


def write_expected(name: str, payload: dict) -> None:
    path = DATA / f"{name}.expected.json"
    path.write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="sglogs-pdf-fixtures-") as tmp:
        work = Path(tmp)
        docx_log, xlsx_log = generate_log(work)
        generated = Document(str(docx_log))
        footer = generated.sections[0].footer.paragraphs[0].text  # the identity line sglogs prints on every page
        keywords = generated.core_properties.keywords
        build = work / "build"
        build.mkdir()
        sources = {
            "pdf-word-40-entries": build / "pdf-word-40-entries.docx",
            "pdf-excel-export": build / "pdf-excel-export.xlsx",
            "pdf-row-split-across-pages": build / "pdf-row-split-across-pages.docx",
            "pdf-hyphen-wrapped-words": build / "pdf-hyphen-wrapped-words.docx",
        }
        fill_word_log(docx_log, sources["pdf-word-40-entries"])
        excel_entries = 25
        fill_excel_log(xlsx_log, sources["pdf-excel-export"], excel_entries)
        long_rows = tuple(
            (entry[0], entry[1], entry[2], entry[3], entry[4], LONG_REFLECTION.format(topic=topic))
            for entry, topic in zip(EVIDENCE[::7], LONG_TOPICS, strict=False)
        )
        # Insert > Table gives equal columns, wide enough for a date and for "Hours" in bold
        equal = (sum(WIDTHS_TWIPS) // len(WIDTHS_TWIPS),) * len(WIDTHS_TWIPS)
        plain_table_document(sources["pdf-row-split-across-pages"], long_rows, equal, soft_hyphens=False)
        plain_table_document(sources["pdf-hyphen-wrapped-words"], HYPHEN_ROWS, equal, soft_hyphens=True)
        to_pdf(list(sources.values()), DATA, work)

    write_expected("pdf-word-40-entries", {
        "made_from": "sglogs generate (NS001, Norfolk stage 4, 2026) filled in Word's way, LibreOffice PDF export",
        "header": list(HEADERS),
        "rows": [[folded(c) for c in entry] for entry in EVIDENCE],
        "footer_line": footer,
        "keywords": keywords,
    })
    write_expected("pdf-excel-export", {
        "made_from": "sglogs generate (NS001) Excel log, Evidence sheet filled with openpyxl, LibreOffice export",
        "header": list(HEADERS),
        "rows": [[d, a, t, excel_hours(h), c, folded(r)] for d, a, t, h, c, r in EVIDENCE[:excel_entries]],
        "footer_line": footer,
        "keywords": keywords,
    })
    write_expected("pdf-row-split-across-pages", {
        "made_from": "python-docx table, header repeated, rows may split across pages, LibreOffice export",
        "header": list(HEADERS),
        "rows": [[folded(c) for c in row] for row in long_rows],
        "title": "Safeguarding learning log - Amelia Hartley",
        "keywords": "safeguarding; learning log; NS001",
    })
    write_expected("pdf-hyphen-wrapped-words", {
        "made_from": "python-docx table with Word optional hyphens in long words, LibreOffice export",
        "header": list(HEADERS),
        "rows": [[folded(c) for c in row] for row in HYPHEN_ROWS],
        "title": "Safeguarding learning log - Amelia Hartley",
        "keywords": "safeguarding; learning log; NS001",
    })
    for name in sources:
        print(f"{name}.pdf: {(DATA / f'{name}.pdf').stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
