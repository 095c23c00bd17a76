# ruff: noqa: E501  (the rosters below read best as one person per line)
"""Build the fictional demo rosters in ``examples/`` (``make demo`` uses them).

Every name is invented. The roster covers the three shipped frameworks, several levels of each, a designated
lead and a person with additional competencies; the second roster holds the mistakes HR makes.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
HEADER = ["Staff ID", "Name", "Job title", "Setting", "Line manager", "Framework", "Level/Stage",
          "Designated lead", "Additional competencies", "Start date"]
PEOPLE = [
    ("NS001", "Amelia Hartley", "Nursery practitioner", "Sunflower Nursery & Pre-school", "Grace Okafor", "Norfolk", "Stage 4", "N", "", None),
    ("NS002", "Grace Okafor", "Nursery manager", "Sunflower Nursery & Pre-school", "Daniel Reeve", "Norfolk", "Stage 5", "Y", "", None),
    ("NS003", "Tomasz Nowak", "Room leader", "Sunflower Nursery & Pre-school", "Grace Okafor", "Norfolk", "Stage 4", "N", "6.10", None),
    ("NS004", "Chloe Barnes", "Administrator", "Sunflower Nursery & Pre-school", "Grace Okafor", "Norfolk", "Stage 2", "N", "", None),
    ("NS005", "Rhys Pritchard", "Cook", "Sunflower Nursery & Pre-school", "Grace Okafor", "Norfolk", "Stage 3", "N", "", None),
    ("NS006", "Zoë Lindqvist", "Early years teacher", "Sunflower Nursery & Pre-school", "Grace Okafor", "Norfolk", "Stage 4", "N", "", dt.date(2026, 4, 1)),
    ("NF010", "Marcus Adebayo", "Family support worker", "Riverside Family Hub", "Helen Cartwright", "Norfolk", "Stage 6", "N", "", None),
    ("NF011", "Helen Cartwright", "Team manager", "Riverside Family Hub", "Daniel Reeve", "Norfolk", "Stage 7", "Y", "", None),
    ("NF012", "Priya Shah-Whitfield", "Youth worker", "Riverside Family Hub", "Helen Cartwright", "Norfolk", "Stage 6", "N", "", None),
    ("NF013", "Daniel Reeve", "Head of service", "Riverside Family Hub", "", "Norfolk", "Stage 8", "Y", "", None),
    ("NF014", "Sarah O'Connell", "Trustee", "Riverside Family Hub", "Daniel Reeve", "Norfolk", "Stage 9", "N", "", None),
    ("NF015", "Kwame Mensah", "Receptionist", "Riverside Family Hub", "Helen Cartwright", "Norfolk", "Stage 3", "N", "", None),
    ("LD020", "Fatima Rahman", "Teaching assistant", "Hillside Primary School", "Oliver Grant", "London", "Level 2", "N", "", dt.date(2026, 9, 1)),
    ("LD021", "Oliver Grant", "Designated safeguarding lead", "Hillside Primary School", "Ruth Adeyemi", "London", "Level 3", "Y", "", dt.date(2026, 9, 1)),
    ("LD022", "Ruth Adeyemi", "Headteacher", "Hillside Primary School", "", "London", "Level 4", "Y", "", dt.date(2026, 9, 1)),
    ("LD023", "Ben Whitaker", "Site manager", "Hillside Primary School", "Oliver Grant", "London", "Level 1", "N", "", dt.date(2026, 9, 1)),
    ("LD024", "Leah Goldberg", "Class teacher", "Hillside Primary School", "Oliver Grant", "London", "Level 2", "N", "", dt.date(2026, 9, 1)),
    ("LD025", "Samuel Osei", "Chair of governors", "Hillside Primary School", "Ruth Adeyemi", "London", "Level 5", "N", "", dt.date(2026, 9, 1)),
    ("LD026", "Ewa Kowalczyk", "Midday supervisor", "Hillside Primary School", "Oliver Grant", "London", "Level 1", "N", "", dt.date(2026, 9, 1)),
    ("LD027", "Jacob Fairweather", "SENCo", "Hillside Primary School", "Oliver Grant", "London", "Level 2", "N", "3.2", dt.date(2026, 9, 1)),
    ("PA030", "Imogen Clarke", "Youth club volunteer", "Brook Street Youth Club", "Aaron Blake", "PA3", "Level 1", "N", "", None),
    ("PA031", "Aaron Blake", "Youth club coordinator", "Brook Street Youth Club", "Nadia Hussain", "PA3", "Level 2", "Y", "", None),
    ("PA032", "Nadia Hussain", "Operations manager", "Brook Street Youth Club", "", "PA3", "Level 4", "Y", "", None),
    ("PA033", "Callum Fraser", "Sports coach", "Brook Street Youth Club", "Aaron Blake", "PA3", "Level 2", "N", "", None),
    ("PA034", "Sophie Turner", "Trustee", "Brook Street Youth Club", "Nadia Hussain", "PA3", "Level 5", "N", "", None),
    ("PA035", "Hamza Ali", "Detached youth worker", "Brook Street Youth Club", "Aaron Blake", "PA3", "Level 3", "N", "", None),
    ("PA036", "Megan Lloyd", "Receptionist", "Brook Street Youth Club", "Aaron Blake", "PA3", "Level 1", "N", "", None),
    ("PA037", "Jonah Price", "Mentor", "Brook Street Youth Club", "Aaron Blake", "PA3", "Level 2", "N", "", None),
    ("NS007", "Ellie-May Robinson", "Apprentice practitioner", "Sunflower Nursery & Pre-school", "Grace Okafor", "Norfolk", "Stage 4", "N", "", None),
    ("NF016", "Arjun Patel", "Social worker", "Riverside Family Hub", "Helen Cartwright", "Norfolk", "Stage 6", "N", "", None),
]
MISTAKES = [
    ("M001", "Harriet Vale", "Practitioner", "Oak Tree Nursery", "Lena Marsh", "Norfolk", "Stage 4", "N", "", "01/04/2026"),
    ("M002", "", "Practitioner", "Oak Tree Nursery", "Lena Marsh", "Norfolk", "Stage 4", "N", "", "01/04/2026"),
    ("M003", "Owen Price", "Cook", "Oak Tree Nursery", "Lena Marsh", "Norfolk", "Stage 12", "N", "", "01/04/2026"),
    ("M001", "Ivy Stone", "Practitioner", "Oak Tree Nursery", "Lena Marsh", "Norfolk", "Stage 4", "N", "", "01/04/2026"),
    ("M004", "Lena Marsh", "Manager", "Oak Tree Nursery", "", "Norfolk", "Stage 5", "Y", "", "31/02/2026"),
    ("M005", "Finn Doyle", "Driver", "Oak Tree Nursery", "Lena Marsh", "Kent", "Level 2", "N", "", "01/04/2026"),
    ("M006", "Rosa Diaz", "Practitioner", "Oak Tree Nursery", "Lena Marsh", "Norfolk", "Stage 4", "maybe", "", "01/04/2026"),
    ("M007", "Nell Ward", "Practitioner", "Oak Tree Nursery", "Lena Marsh", "Norfolk", "Stage 4", "N", "", "1st April 2026"),
]


def build() -> None:
    EXAMPLES.mkdir(exist_ok=True)
    wb = Workbook()
    ws = wb.active
    ws.title = "Staff"
    ws.append(HEADER)
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F5F5B")
    for person in PEOPLE:
        ws.append(list(person))
    for row in ws.iter_rows(min_row=2, min_col=10, max_col=10):
        row[0].number_format = "dd/mm/yyyy"
    for col, width in zip("ABCDEFGHIJ", (9, 22, 26, 30, 18, 10, 11, 15, 22, 12), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    wb.save(EXAMPLES / "roster.xlsx")
    with (EXAMPLES / "roster-with-mistakes.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows(MISTAKES)


if __name__ == "__main__":
    build()
