"""What the scenario people wrote: the roster, a pool of a year's learning, and each scenario's departures from it.

Every name, setting and word of evidence is invented. The evidence is written the way staff write it (dates in
several forms, hours as "2h 30m" or "45 mins", reflections over more than one line); which competencies a row
claims is assigned from the competency list the generated log shows, a few per row, as a person ticks them off.
``build.py`` turns these into files; ``expected.toml`` holds what each file should be judged to be, written from
the frameworks' text before any of these files was checked.
"""

from __future__ import annotations

import datetime as dt

# The year every current log covers (roster rows without a start date get it from `generate --start`).
PERIOD_START = dt.date(2025, 11, 1)
PERIOD_END = dt.date(2026, 10, 31)
# The manager's review of the current logs, and the register's "as at" date (tests/test_scenarios.py).
REVIEW_DATE = "16/11/2026"
NEXT_REVIEW = "16/11/2027"
AS_OF = "30/11/2026"

NURSERY = "Willow Tree Nursery"
HUB = "Eastgate Family Hub"
SCHOOL = "Marlowe Primary School"
YOUTH = "Canal Side Youth Project"

ROSTER_HEADER = ["Staff ID", "Name", "Job title", "Setting", "Line manager", "Framework", "Level/Stage",
                 "Designated lead", "Additional competencies", "Start date"]
#: (id, name, role, setting, manager, framework, level, lead, additional)
PEOPLE = [
    ("WT101", "Hannah Brierley", "Nursery practitioner", NURSERY, "Denise Okoro", "Norfolk", "Stage 4", "N", ""),
    ("ML201", "Yusuf Demir", "Teaching assistant", SCHOOL, "Carol Ashworth", "London", "Level 2", "N", ""),
    ("CS301", "Niamh Gallagher", "Youth club volunteer", YOUTH, "Tobias Reed", "PA3", "Level 1", "N", ""),
    ("WT102", "Liam Holloway", "Nursery assistant", NURSERY, "Denise Okoro", "Norfolk", "Stage 4", "N", ""),
    ("WT103", "Ayesha Karim", "Room leader", NURSERY, "Denise Okoro", "Norfolk", "Stage 4", "N", ""),
    ("WT104", "Megan Cross", "Nursery practitioner", NURSERY, "Denise Okoro", "Norfolk", "Stage 4", "N", ""),
    ("WT105", "Oliver Stanton", "Early years practitioner", NURSERY, "Denise Okoro", "Norfolk", "Stage 4", "N", ""),
    ("EG401", "Grace Mbeki", "Community development worker", HUB, "Paul Lindsay", "Norfolk", "Stage 4", "N", ""),
    ("EG402", "Marek Kowalski", "Receptionist", HUB, "Paul Lindsay", "Norfolk", "Stage 3", "N", ""),
    ("EG403", "Tendai Moyo", "Receptionist", HUB, "Paul Lindsay", "Norfolk", "Stage 3", "N", ""),
    ("EG404", "Bethany O'Neill", "Family support worker", HUB, "Paul Lindsay", "Norfolk", "Stage 6", "N", ""),
    ("EG405", "Sam Taylor", "Youth worker", HUB, "Paul Lindsay", "Norfolk", "Stage 6", "N", ""),
    ("ML202", "Sam Taylor", "Class teacher", SCHOOL, "Carol Ashworth", "London", "Level 2", "N", ""),
    ("ML203", "Chidi Okonkwo", "Midday supervisor", SCHOOL, "Carol Ashworth", "London", "Level 1", "N", ""),
    ("ML204", "Rosa Fernandes", "Class teacher", SCHOOL, "Carol Ashworth", "London", "Level 2", "N", ""),
    ("CS302", "Dylan Hughes", "Sports coach", YOUTH, "Tobias Reed", "PA3", "Level 2", "N", ""),
    ("CS303", "Harriet Lowe", "Mentor", YOUTH, "Tobias Reed", "PA3", "Level 2", "N", ""),
    ("CS304", "Ibrahim Sesay", "Youth club volunteer", YOUTH, "Tobias Reed", "PA3", "Level 1", "N", ""),
    ("WT106", "Phoebe Marsh", "Nursery practitioner", NURSERY, "Denise Okoro", "Norfolk", "Stage 4", "N", ""),
    ("ML205", "Daniel Achterberg", "Family liaison officer", SCHOOL, "Victoria Hale", "London", "Level 3", "N", ""),
    ("CS305", "Ellen Pryce", "Receptionist", YOUTH, "Tobias Reed", "PA3", "Level 1", "N", ""),
    ("WT107", "Josh Whitmore", "Nursery practitioner", NURSERY, "Denise Okoro", "Norfolk", "Stage 4", "N", ""),
    ("WT108", "Keira Doyle", "Nursery practitioner", NURSERY, "Denise Okoro", "Norfolk", "Stage 4", "N", ""),
    ("WT109", "Anil Mistry", "Nursery practitioner", NURSERY, "Denise Okoro", "Norfolk", "Stage 4", "N", ""),
    ("ML206", "Victoria Hale", "Designated safeguarding lead", SCHOOL, "Carol Ashworth", "London", "Level 3", "Y",
     ""),
    ("CS306", "Gareth Pugh", "Operations manager", YOUTH, "Tobias Reed", "PA3", "Level 4", "Y", ""),
    ("CS307", "Lucy Fenwick", "Youth club volunteer", YOUTH, "Tobias Reed", "PA3", "Level 1", "N", ""),
    ("EG406", "Rebecca Yates", "Administrator", HUB, "Paul Lindsay", "Norfolk", "Stage 2", "N", ""),
    ("EG407", "Tom Ridley", "Administrator", HUB, "Paul Lindsay", "Norfolk", "Stage 2", "N", ""),
    ("WT110", "Sofia Rossi", "Nursery practitioner", NURSERY, "Denise Okoro", "Norfolk", "Stage 4", "N", ""),
    ("ML207", "Helen Park", "Class teacher", SCHOOL, "Carol Ashworth", "London", "Level 2", "N", ""),
    ("CS308", "Connor Walsh", "Sports coach", YOUTH, "Tobias Reed", "PA3", "Level 2", "N", ""),
    ("EG408", "Natalie Brooks", "Receptionist", HUB, "Paul Lindsay", "Norfolk", "Stage 3", "N", ""),
    ("ML208", "Joseph Adeyinka", "Teaching assistant", SCHOOL, "Carol Ashworth", "London", "Level 2", "N", ""),
    ("CS309", "Kieran Doherty", "Mentor", YOUTH, "Tobias Reed", "PA3", "Level 2", "N", ""),
    ("CS310", "Hamid Rezaei", "Detached youth worker", YOUTH, "Tobias Reed", "PA3", "Level 3", "N", ""),
    ("CS311", "Priya Nair", "Youth club volunteer", YOUTH, "Tobias Reed", "PA3", "Level 1", "N", ""),
    ("WT111", "Tomasz Zielinski", "Room leader", NURSERY, "Denise Okoro", "Norfolk", "Stage 4", "N", "6.10"),
]
MANAGERS = {NURSERY: "Denise Okoro", HUB: "Paul Lindsay", SCHOOL: "Carol Ashworth", YOUTH: "Tobias Reed"}

#: People whose previous year's log is part of the suite, and when that log started.
PREVIOUS_STARTS = {"WT109": dt.date(2022, 11, 1), "ML206": dt.date(2024, 10, 1), "CS306": dt.date(2024, 10, 1),
                   "CS307": dt.date(2024, 10, 1)}

# --- A year's learning ------------------------------------------------------------------------------------------
# (activity, type, hours, reflection). Formal training first, then the informal learning the frameworks also
# count ("training is not limited to formal events, but can include shared expertise, shadowing and
# presentations" - London 1.6).
FULL_DAY = ("Safeguarding children: full-day course with the local partnership", "Face-to-face training", "6.5",
            "We worked through three case studies on neglect and domestic abuse and practised writing a referral.\n"
            "I now write down what I see and hear in the child's own words straight away, and I used the referral "
            "checklist the following month when I shared a worry with our lead.")
MULTI_AGENCY = ("Multi-agency training: working together when a family does not engage", "Multi-agency training",
                "6", "Health visitors, a social worker and police officers were in my group. I learned how each "
                "service reads the same chronology differently; since then I ask who else knows the family before "
                "I decide a worry is small.")
E_LEARNING = ("Online module: recognising abuse and neglect", "E-learning", "2h 30m",
              "The module covered the four categories of abuse and the local referral route.\nI applied it by "
              "checking the contact poster in our room: the lead's number was out of date, so I got it changed.")
WEBINAR = ("Webinar: learning from local child safeguarding practice reviews", "Webinar or video conference",
           "1:30", "The speaker showed how small worries were never joined up. I have started keeping a short "
                   "running note of low-level concerns so that I can see a pattern and share it.")
SUPERVISION = ("Supervision: a worry about a child's repeated absences", "Supervision", "1",
               "My manager and I talked through when absence becomes a safeguarding concern. I learned to check the "
               "pattern over weeks, not single days, and I recorded my worry the same afternoon.")
TEAM_MEETING = ("Team briefing on the updated safeguarding policy", "Team meeting or briefing", "45 mins",
                "The policy now names a deputy lead for the late shift. I know who to go to when the lead is off "
                "site and I told the two new starters in my team.")
SHADOWING = ("Shadowed our safeguarding lead at an early help meeting", "Shadowing", "2",
             "I saw how the family's own words were written into the plan and how actions were agreed with dates. "
             "I will use the same plain wording when I write up my observations.")
CASE_REVIEW = ("Read a published case review summary and discussed it with a colleague", "Learning from a case "
               "review (CSPR/SAR)", "1.5",
               "The review showed how professional optimism stopped people asking a second question. I talked with "
               "my colleague about how I would raise a worry that someone senior had dismissed.")
PEER = ("Reflective discussion with peers on professional curiosity", "Reflective discussion or peer learning", "1",
        "We practised asking open follow-up questions when an explanation does not fit. I feel more confident to "
        "ask, kindly, a second time, and I did so with a parent last week.")
READING = ("Read the organisation's whistleblowing and allegations procedure", "Reading or research", "0.5",
           "I had not known that a concern about a colleague goes to the manager and can also go to the designated "
           "officer. I noted the route in my handbook so I can find it quickly.")
CASEWORK = ("Supported a colleague to record and share a disclosure", "Practice experience (casework)", "1",
            "A child said something worrying at lunch. I helped my colleague write it down without leading "
            "questions and we passed it to the lead within the hour, as our procedure says.")
CONFERENCE = ("Partnership safeguarding conference: exploitation outside the home", "Conference or learning event",
              "4", "Young people spoke about how they were groomed through online games. Since then I ask the young "
                   "people I work with who they talk to online, and I share what I hear with the lead.")

#: The good year: formal training, online learning applied, varied informal learning.
GOOD_YEAR = [FULL_DAY, SUPERVISION, E_LEARNING, TEAM_MEETING, SHADOWING, CASE_REVIEW, PEER, READING, CASEWORK,
             WEBINAR]
#: A year with no formal training at all (for people whose last refresher is in an earlier log).
INFORMAL_YEAR = [SUPERVISION, TEAM_MEETING, SHADOWING, CASE_REVIEW, PEER, READING, CASEWORK]
#: A level 3+ training year: enough formal hours for any minimum over the window.
LEVEL3_YEAR = [MULTI_AGENCY, SUPERVISION, FULL_DAY, SHADOWING, CONFERENCE, CASE_REVIEW, WEBINAR, PEER]

DATE_STYLES = ("{d}/{m:02d}/{y}", "{d}/{m}/{yy}", "{d}{th} {month} {y}", "{d:02d}.{m:02d}.{y}", "{d}-{mon}-{y}",
               "{d:02d}/{m:02d}/{y}")
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def written_date(day: dt.date, style: int) -> str:
    """A date as a person types it, in one of several styles.

    >>> written_date(dt.date(2026, 4, 18), 2)
    '18th April 2026'
    """
    th = "th" if 11 <= day.day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day.day % 10, "th")
    month = MONTHS[day.month - 1]
    return DATE_STYLES[style % len(DATE_STYLES)].format(d=day.day, m=day.month, y=day.year, yy=f"{day.year % 100:02d}",
                                                         th=th, month=month, mon=month[:3])


def spread_dates(start: dt.date, end: dt.date, count: int) -> list[dt.date]:
    """``count`` dates spread through a period, on working days, as learning happens across a year.

    >>> spread_dates(dt.date(2025, 11, 1), dt.date(2026, 10, 31), 2)[0]
    datetime.date(2026, 2, 2)
    """
    span = (end - start).days
    days = []
    for index in range(count):
        day = start + dt.timedelta(days=round(span * (index + 0.5) / count))
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        days.append(min(max(day, start), end))
    return days


def assign_competencies(refs: list[str], rows: int) -> list[list[str]]:
    """Share a log's competencies over its rows, a few each, every competency at least once.

    >>> assign_competencies(["1.1", "1.2", "1.3"], 4)
    [['1.1'], ['1.2'], ['1.3'], ['1.1']]
    """
    chunks: list[list[str]] = [[] for _ in range(rows)]
    for index, ref in enumerate(refs):
        chunks[index % rows].append(ref)
    for index, chunk in enumerate(chunks):
        if not chunk:
            chunk.append(refs[index % len(refs)])
    return chunks


def joined(refs: list[str], style: int) -> str:
    """Competency references as people separate them.

    >>> joined(["4.1", "4.3"], 1)
    '4.1 & 4.3'
    """
    if len(refs) == 2 and style % 3 == 1:
        return " & ".join(refs)
    return ", ".join(refs)
