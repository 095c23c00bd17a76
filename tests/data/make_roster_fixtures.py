"""Rebuild the roster fixtures in tests/data (run from the repository root; openpyxl 3.1)."""

import datetime as dt
import zipfile
from pathlib import Path

from openpyxl import Workbook

DATA = Path("tests/data")


def title_row_and_blank_lines() -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Roster"
    ws.append(["Safeguarding training roster - Little Acorns Nursery"])
    ws.append(["Exported 3 January 2026 from the HR system"])
    ws.append([])
    ws.append(["Employee No", None, "Forename", "Surname", "Job title", "Setting/team", "Line manager",
               "Competency framework", "Level/Stage", "DSL", "Additional competencies", "Log start", "Notes"])
    ws.append([1001, None, "Ada", "Lovelace", "Room leader", "Acorns", "M. Smith",
               "norfolk-nscp-2024", "Stage 4", "yes", "6.1, 6.3", dt.datetime(2026, 1, 1), "new in post"])
    ws.append([])
    ws.append(["   ", None, None, None, None, None, None, None, None, None, None, None, None])
    ws.append([1002, None, "Grace", "Hopper", "Practitioner", "Acorns", "M. Smith",
               "norfolk-nscp-2024", "Stage 3", None, None, "01/04/2026", None])
    ws.append([1003, None, "Mary", "Seacole", "Cook", "Kitchen", "A. Jones",
               "norfolk-nscp-2024", 2, "n", None, None, "agency"])
    wb.save(DATA / "roster-title-row-and-blank-lines.xlsx")


def excel_numbers_and_dates() -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Staff"
    ws.append(["Payroll number", "Full name", "Partnership", "Level", "Named lead", "Start date"])
    rows = [
        (2001, "Int Id", "norfolk-nscp-2024", 4, True, dt.datetime(2026, 1, 1)),  # date cell
        (2002.0, "Float Id", "norfolk-nscp-2024", 4.0, False, 46023),  # serial in a General cell
        (2003, "Date Cell", "norfolk-nscp-2024", "Level 5", 1, dt.date(2026, 3, 4)),
        ("2004", "Text Id", "norfolk-nscp-2024", "L6", 0, "1-Jan-2026"),
        (2005, "Serial Float", "norfolk-nscp-2024", "Stage 1", "x", 46054.75),
    ]
    for row in rows:
        ws.append(row)
    ws["F2"].number_format = "dd/mm/yyyy"
    ws["F4"].number_format = "dd/mm/yyyy"
    path = DATA / "roster-excel-numbers-and-dates.xlsx"
    wb.save(path)
    # openpyxl writes 2002.0 as "2002"; store it with a decimal point so the reader sees the float 2002.0.
    parts = {}
    with zipfile.ZipFile(path) as src:
        for info in src.infolist():
            parts[info] = src.read(info)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in parts.items():
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<c r="A3" t="n"><v>2002</v>', b'<c r="A3" t="n"><v>2002.0</v>')
                assert b"<v>2002.0</v>" in data
            out.writestr(info, data)


def semicolon_cp1252() -> None:
    text = (
        "Staff no;Name;Role;Team;Framework;Stage;Designated lead;Start date\r\n"
        "S001;Zoë Brontë;Nursery nurse;Bluebells, Room 2;norfolk-nscp-2024;Stage 3;;03/04/2026\r\n"
        "S002;Renée d’Arcy;Manager – deputy;Office;norfolk-nscp-2024;Stage 6;Yes;1.1.2026\r\n"
        "S003;Smith, Jo;Cook £;Kitchen;norfolk-nscp-2024;Stage 2;no;01/01/26\r\n"
    )
    (DATA / "roster-semicolon-cp1252.csv").write_bytes(text.encode("cp1252"))


def row_errors() -> None:
    text = (
        "Staff ID,Name,Role,Setting,Framework,Level,Designated lead,Additional competencies,Period start\n"
        "S001,Ada Lovelace,Room leader,Acorns,norfolk-nscp-2024,Stage 4,yes,\"6.1, 6.3\",01/01/2026\n"
        "S002,,Practitioner,Acorns,norfolk-nscp-2024,Stage 3,,,\n"
        ",Bo Brown,Practitioner,Acorns,norfolk-nscp-2024,Stage 3,,,\n"
        "s001,Cy Clone,Practitioner,Acorns,norfolk-nscp-2024,Stage 3,,,\n"
        "S005,Di Dee,Practitioner,Acorns,Narfolk,Stage 3,,,\n"
        "S006,Ed Eve,Practitioner,Acorns,norfolk-nscp-2024,Stage 12,,,\n"
        "S007,Flo Fay,Practitioner,Acorns,norfolk-nscp-2024,Stage 3,,,31/02/2026\n"
        "S008,Gus Gee,Practitioner,Acorns,norfolk-nscp-2024,Stage 3,maybe,,\n"
        ",,,,,,,,\n"
        "S009,Hal Hay,Practitioner,Acorns,norfolk-nscp-2024,Stage 3,,,January 2026\n"
        "S010,Ivy Ivo,Practitioner,Acorns,norfolk-nscp-2024,,,,\n"
        "S011,Jo Jay,Practitioner,Acorns,norfolk-nscp-2024,Stage 6,,6.1!,\n"
        "S001,Ada Again,Practitioner,Acorns,norfolk-nscp-2024,Stage 3,,,\n"
    )
    (DATA / "roster-row-errors.csv").write_text(text, encoding="utf-8")



if __name__ == "__main__":
    title_row_and_blank_lines()
    excel_numbers_and_dates()
    semicolon_cp1252()
    row_errors()
