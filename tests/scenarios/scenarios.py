"""The scenarios: for each, whose log it is, its format and layout, what they wrote and what the manager wrote.

Each scenario starts from one of the years in ``content.py`` and departs from it in the one way its name says, so
that the verdict in ``expected.toml`` turns on that departure. Competency references are the framework's own ids
as the generated log lists them (``refs``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from content import (
    CASE_REVIEW,
    CASEWORK,
    CONFERENCE,
    E_LEARNING,
    FULL_DAY,
    GOOD_YEAR,
    INFORMAL_YEAR,
    LEVEL3_YEAR,
    MULTI_AGENCY,
    NEXT_REVIEW,
    PEER,
    PERIOD_END,
    PERIOD_START,
    READING,
    REVIEW_DATE,
    SHADOWING,
    SUPERVISION,
    TEAM_MEETING,
    assign_competencies,
    joined,
    spread_dates,
)

MET = "All competencies met"
NOT_YET = "Not yet met – see next steps"


@dataclass
class Entry:
    """One evidence row as typed: ``when`` is a date, or the text typed instead (month only, blank)."""

    when: dt.date | str
    activity: str
    type: str
    hours: str
    competencies: str
    reflection: str


@dataclass
class Review:
    """What the manager wrote: per-competency statuses and comments, next steps and the sign-off box."""

    statuses: dict[str, str] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    manager: str = ""
    signature: str = ""
    date: str = ""
    outcome: str = ""
    next_review: str = ""
    staff_signature: str = ""
    staff_date: str = ""
    next_steps: list[tuple[str, str, str, str]] = field(default_factory=list)


@dataclass
class Scenario:
    """One completed log of the suite."""

    name: str
    person: str
    fmt: str  # docx, xlsx or pdf (a docx exported by LibreOffice)
    evidence: Callable[[list[str]], list[Entry]]
    review: Callable[[list[str]], Review]
    layout: str = "sglogs"  # sglogs (generated), inhouse, inhouse-level (states framework and level), cpd-table
    cover: dict[str, str] = field(default_factory=dict)  # the cover of a log in another layout
    previous: bool = False  # the person's previous year's log


def year(refs: list[str], pool: list[tuple[str, str, str, str]], start: dt.date = PERIOD_START,
         end: dt.date = PERIOD_END) -> list[Entry]:
    """A year of learning from ``pool``, dated through the period, every competency claimed by a few rows.

    >>> len(year(["1.1", "1.2"], [SUPERVISION, PEER, READING]))
    3
    """
    rows = assign_competencies(refs, len(pool))
    days = spread_dates(start, end, len(pool))
    return [Entry(day, activity, kind, hours, joined(chunk, index), reflection)
            for index, ((activity, kind, hours, reflection), chunk, day) in enumerate(zip(pool, rows, days,
                                                                                          strict=True))]


def steps() -> list[tuple[str, str, str, str]]:
    """Two CPD next steps agreed at review, as managers write them."""
    return [("Attend the partnership's exploitation briefing", "", "March 2027", "Yes"),
            ("Lead a team discussion on a case review", "", "June 2027", "Yes")]


def signed(refs: list[str], date: str = REVIEW_DATE, outcome: str = MET, manager: str = "Denise Okoro",
           statuses: dict[str, str] | None = None, comments: dict[str, str] | None = None) -> Review:
    """The manager's review: every competency assessed (met unless ``statuses`` says otherwise), signed and dated.

    >>> signed(["1.1"]).statuses
    {'1.1': 'Met'}
    """
    marks = {ref: "Met" for ref in refs} | (statuses or {})
    return Review(statuses=marks, comments=comments or {}, manager=manager, signature=manager, date=date,
                  outcome=outcome, next_review=NEXT_REVIEW, staff_signature="signed", staff_date=date,
                  next_steps=steps())


def assessed_unsigned(refs: list[str]) -> Review:
    """The manager has marked every competency met and agreed next steps in supervision, and not yet signed."""
    return Review(statuses={ref: "Met" for ref in refs}, next_steps=steps())


def blank(refs: list[str]) -> Review:
    """No manager review yet."""
    return Review()


def _manager(name: str) -> Callable[[list[str]], Review]:
    return lambda refs: signed(refs, manager=name)


NORFOLK_S4_UNCOVERED_DEMO = ["2.1", "2.2", "2.3", "2.4", "2.5", "3.2", "3.4", "3.5", "4.7"]


def demo_year(refs: list[str]) -> list[Entry]:
    """The shape of the demo log: specific rows for 13 competencies and one row claiming "all"."""
    return [
        Entry(dt.date(2025, 11, 20), "Safeguarding children refresher (e-learning)", "E-learning", "2h 30m",
              "1.1, 1.2, 3.1", E_LEARNING[3]),
        Entry(dt.date(2026, 1, 8), "Supervision with my manager", "Supervision", "1", "4.4, 4.8", SUPERVISION[3]),
        Entry("March 2026", "Team meeting: updated safeguarding policy", "Team meeting or briefing", "0.5", "3.3",
              TEAM_MEETING[3]),
        Entry(dt.date(2026, 4, 21), "Multi-agency training: neglect", "Multi-agency training", "6", "4.1, 4.2",
              MULTI_AGENCY[3]),
        Entry(dt.date(2026, 5, 6), "Read a local case review summary", "Learning from a case review (CSPR/SAR)",
              "1.5", "4.9, 4.10", CASE_REVIEW[3]),
        Entry(dt.date(2026, 6, 17), "Shadowed the lead at an early help meeting", "Shadowing", "2", "4.5, 4.6",
              SHADOWING[3]),
        Entry(dt.date(2026, 9, 9), "Prevent awareness (e-learning)", "E-learning", "1:30", "4.3",
              "Learned the signs of radicalisation in families and the referral route.\nI applied it by adding the "
              "Prevent contact to the key-person handbook."),
        Entry(dt.date(2026, 10, 7), "Reflective discussion with peers on professional curiosity",
              "Reflective discussion or peer learning", "1", "all", PEER[3]),
    ]


def demo_review(refs: list[str]) -> Review:
    """The demo manager: 5 met, 1 not yet met, 16 not assessed, outcome not yet met, signed and dated."""
    marks = {"1.1": "Met", "1.2": "Met", "3.1": "Met", "4.1": "Met", "4.2": "Met", "4.3": "Not yet met"}
    return Review(statuses=marks, comments={"4.3": "Prevent e-learning only; needs the face-to-face session."},
                  manager="Denise Okoro", signature="D. Okoro", date=REVIEW_DATE, outcome=NOT_YET,
                  next_review=NEXT_REVIEW, next_steps=[("Complete the local Prevent face-to-face session", "4.3",
                                                        "March 2027", "Yes")])


def team_chat(refs: list[str]) -> list[Entry]:
    """One row, "Team chat", type Other, a quarter of an hour, listing every competency id of the log."""
    return [Entry(dt.date(2026, 3, 12), "Team chat", "Other", "0.25", ", ".join(refs), "")]


def two_catch_alls(refs: list[str]) -> list[Entry]:
    """Specific rows for all but four competencies; two rows that claim everything are the only evidence of those."""
    held = {"2.4", "2.5", "3.5", "4.7"}
    entries = year([ref for ref in refs if ref not in held], GOOD_YEAR[:8])
    entries.insert(4, Entry(dt.date(2026, 4, 15), "Safeguarding week: activities across the nursery", "Other", "3",
                            "all", "We ran a week of safeguarding activities for staff and parents. It was a busy "
                                   "week and I took part in most of the sessions on offer."))
    entries.append(Entry(dt.date(2026, 10, 14), "Annual safeguarding update for all staff", "Team meeting or briefing",
                         "1", ", ".join(ref for ref in refs if ref != "1.1"),
                         "The manager went through the year's changes to the policy and the contacts. I checked "
                         "that my own notes matched the new flowchart afterwards."))
    return entries


def catch_all_extra(refs: list[str]) -> list[Entry]:
    """The good year plus one row that claims "all"."""
    entries = year(refs, GOOD_YEAR)
    entries.insert(6, Entry(dt.date(2026, 6, 24), "Safeguarding week: activities across the nursery", "Other", "3",
                            "All", "A week of sessions for staff and parents. I helped run the parents' drop-in and "
                                   "explained how we share worries, which I had not done before."))
    return entries


def later_evidenced(refs: list[str]) -> list[Entry]:
    """Competency 4.3 was not yet met at the June review; a Prevent session in September evidences it."""
    entries = year([ref for ref in refs if ref != "4.3"], GOOD_YEAR)
    entries.append(Entry(dt.date(2026, 9, 15), "Prevent: face-to-face session with the local coordinator",
                         "Face-to-face training", "3", "4.3",
                         "The session covered how children can be drawn into extremist ideas and what a referral "
                         "looks like. I have since added the Prevent contact to our key-person handbook."))
    return entries


def nyn_mid_year(refs: list[str]) -> Review:
    """At the June review the manager marked 4.3 not yet met; no final review since."""
    marks = {ref: "Met" for ref in refs} | {"4.3": "Not yet met"}
    return Review(statuses=marks, comments={"4.3": "June review: Prevent learning still to do."},
                  next_steps=[("Attend the Prevent face-to-face session", "4.3", "September 2026", "Yes")])


def nyn_reassessed(refs: list[str]) -> Review:
    """At the final review the manager marked 4.3 met, after the September session."""
    return signed(refs, comments={"4.3": "Not yet met at the June review; met after the Prevent session in "
                                         "September."})


def informal(refs: list[str]) -> list[Entry]:
    """A year of informal learning only: no training course, no e-learning."""
    return year(refs, INFORMAL_YEAR)


def previous_year(training: list[tuple[dt.date, tuple[str, str, str, str]]], start: dt.date
                  ) -> Callable[[list[str]], list[Entry]]:
    """A previous year's log: the given formal training on its dates, then informal learning through the year."""
    def build(refs: list[str]) -> list[Entry]:
        formal = [Entry(day, item[0], item[1], item[2], ", ".join(refs[:2]), item[3]) for day, item in training]
        later = year(refs, [SUPERVISION, SHADOWING, PEER, CASE_REVIEW], start + dt.timedelta(days=90),
                     dt.date(start.year + 1, start.month, 1) - dt.timedelta(days=20))
        return formal + later
    return build


def previous_review(date: str, manager: str) -> Callable[[list[str]], Review]:
    """The previous year's review, its next review a year later."""
    def build(refs: list[str]) -> Review:
        review = signed(refs, date=date, manager=manager)
        review.next_review = date[:-4] + str(int(date[-4:]) + 1)
        return review
    return build


LEVEL3_TRAINING_2024_DEC = [(dt.date(2024, 12, 3), MULTI_AGENCY), (dt.date(2024, 12, 10), FULL_DAY),
                            (dt.date(2024, 12, 20), CONFERENCE)]
LEVEL3_TRAINING_2024_OCT = [(dt.date(2024, 10, 14), MULTI_AGENCY), (dt.date(2024, 10, 21), FULL_DAY),
                            (dt.date(2024, 10, 28), CONFERENCE)]
LEVEL1_TRAINING_2024_OCT = [(dt.date(2024, 10, 14), ("Safeguarding awareness e-learning", "E-learning", "2",
                                                     E_LEARNING[3])),
                            (dt.date(2024, 10, 28), ("Safeguarding basics: face-to-face session",
                                                     "Face-to-face training", "3", FULL_DAY[3]))]


def short_elearning_only(refs: list[str]) -> list[Entry]:
    """A level 3 year whose only training is a 1.5-hour e-learning refresher."""
    pool = [("Safeguarding children level 3 refresher (e-learning)", "E-learning", "1.5", E_LEARNING[3]),
            SUPERVISION, SHADOWING, CASE_REVIEW, PEER, CASEWORK, READING, TEAM_MEETING]
    return year(refs, pool)


def elearning_level1(refs: list[str]) -> list[Entry]:
    """A level 1 year whose training is a 2.5-hour e-learning course."""
    pool = [("Safeguarding awareness for volunteers and front-desk staff (e-learning)", "E-learning", "2.5",
             E_LEARNING[3]), SUPERVISION, TEAM_MEETING, PEER, READING, CASEWORK]
    return year(refs, pool)


def month_only(refs: list[str]) -> list[Entry]:
    """The good year with three rows dated by month only."""
    entries = year(refs, GOOD_YEAR[:7])
    for index, text in ((1, "January 2026"), (3, "April 2026"), (5, "July 2026")):
        entries[index].when = text
    return entries


def undated(refs: list[str]) -> list[Entry]:
    """The good year plus one extra row with no date."""
    entries = year(refs, GOOD_YEAR[:7])
    entries.insert(3, Entry("", "Read the updated lone-working and visitors policy", "Reading or research", "0.5",
                            refs[0], "The policy says visitors sign in and are never left alone with children. I "
                                     "now check the visitors' book when I open the front door."))
    return entries


def outside_period(refs: list[str]) -> list[Entry]:
    """The good year with two rows dated outside the log period, each the only evidence of its competencies."""
    entries = year(refs, GOOD_YEAR)
    entries[0].when = dt.date(2025, 6, 14)
    entries[-1].when = dt.date(2026, 11, 3)
    return entries


def no_reflections(refs: list[str]) -> list[Entry]:
    entries = year(refs, GOOD_YEAR)
    for entry in entries:
        entry.reflection = ""
    return entries


NOT_APPLIED_E = ("The module covered the signs of neglect, the categories of abuse and the local referral pathway, "
                 "with a short quiz at the end which I passed first time.")
NOT_APPLIED_W = ("The speaker went through three local reviews and the themes they shared, including missed health "
                 "appointments and poor information sharing between agencies.")


def online_not_applied(refs: list[str]) -> list[Entry]:
    """The good year, its e-learning and webinar rows describing the content only."""
    entries = year(refs, GOOD_YEAR)
    for entry in entries:
        if entry.type == "E-learning":
            entry.reflection = NOT_APPLIED_E
        elif entry.type == "Webinar or video conference":
            entry.reflection = NOT_APPLIED_W
    return entries


def all_elearning(refs: list[str]) -> list[Entry]:
    """Six e-learning modules and nothing else, each applied."""
    modules = ["Recognising abuse and neglect", "Domestic abuse awareness", "Prevent awareness",
               "Sharing information safely", "Child exploitation awareness", "Whistleblowing and allegations"]
    pool = [(f"Online module: {topic}", "E-learning", "1", E_LEARNING[3].replace("four categories of abuse",
                                                                                   topic.lower()))
            for topic in modules]
    return year(refs, pool)


COPIED = ("Good course, learned a lot about safeguarding and will use it in my role with children and families "
          "from now on.")


def copied(refs: list[str]) -> list[Entry]:
    entries = year(refs, GOOD_YEAR)
    for entry in entries:
        entry.reflection = COPIED
    return entries


def untouched(refs: list[str]) -> list[Entry]:
    return []


def without(held: set[str]) -> Callable[[list[str]], list[Entry]]:
    """The good year over every competency except ``held``."""
    return lambda refs: year([ref for ref in refs if ref not in held], GOOD_YEAR)


def good(refs: list[str]) -> list[Entry]:
    return year(refs, GOOD_YEAR)


def good_level3(refs: list[str]) -> list[Entry]:
    return year(refs, LEVEL3_YEAR)


def inhouse_year(refs: list[str]) -> list[Entry]:
    """An older in-house record: the good year without competency references (the template has no column)."""
    return year(["-"], GOOD_YEAR[:8])


def lines_review(manager: str, outcome: str = "") -> Callable[[list[str]], Review]:
    return lambda refs: Review(manager=manager, date=REVIEW_DATE, outcome=outcome, next_steps=steps())


SCENARIOS = [
    Scenario("clean-norfolk-stage4", "WT101", "docx", good, signed),
    Scenario("clean-london-level2", "ML201", "xlsx", good, _manager("Carol Ashworth")),
    Scenario("clean-pa3-level1", "CS301", "pdf", good, _manager("Tobias Reed")),
    Scenario("clean-pa3-level3", "CS310", "docx", good_level3, _manager("Tobias Reed")),
    Scenario("team-chat-catch-all", "WT102", "xlsx", team_chat, blank),
    Scenario("two-catch-all-rows", "WT103", "pdf", two_catch_alls, assessed_unsigned),
    Scenario("catch-all-row-otherwise-covered", "WT104", "docx", catch_all_extra, signed),
    Scenario("manager-5-met-1-not-yet-16-not-assessed", "WT105", "docx", demo_year, demo_review),
    Scenario("manager-not-yet-met-but-outcome-met", "EG401", "xlsx", good,
             lambda refs: signed(refs, manager="Paul Lindsay", statuses={"4.6": "Not yet met"},
                                 comments={"4.6": "Still to observe a multi-agency meeting."})),
    Scenario("older-inhouse-no-framework", "EG402", "docx", inhouse_year, lines_review("Paul Lindsay"),
             layout="inhouse", cover={"Name": "Marek Kowalski", "Setting": "Eastgate Family Hub",
                                      "Job role": "Receptionist", "Year": "2025-26"}),
    Scenario("older-inhouse-pdf-name-typo", "EG403", "pdf", inhouse_year, lines_review("Paul Lindsay"),
             layout="inhouse", cover={"Name": "Tendai Mayo", "Setting": "Eastgate Family Hub",
                                      "Job role": "Receptionist", "Year": "2025-26"}),
    Scenario("cpd-table-initial-and-surname", "EG404", "xlsx", inhouse_year, blank, layout="cpd-table",
             cover={"Name": "B. O'Neill", "Employer": "Eastgate Family Hub", "Job title": "Family support worker"}),
    Scenario("unidentified-two-roster-matches", "", "docx", inhouse_year, lines_review("Carol Ashworth"),
             layout="inhouse", cover={"Name": "Sam Taylor", "Year": "2025-26"}),
    Scenario("unidentified-no-roster-match", "", "xlsx", inhouse_year, blank, layout="cpd-table",
             cover={"Name": "Jordan Pike", "Employer": "Canal Side Youth Project", "Job title": "Sessional worker"}),
    Scenario("older-inhouse-states-framework-and-level", "ML203", "docx", good,
             lines_review("Carol Ashworth", MET), layout="inhouse-level",
             cover={"Name": "Chidi Okonkwo", "Setting": "Marlowe Primary School", "Job role": "Midday supervisor",
                    "Framework": "London Competency Framework", "Level": "Level 1",
                    "Year": "1 November 2025 to 31 October 2026"}),
    Scenario("signoff-dated-in-future", "ML204", "xlsx", good,
             lambda refs: signed(refs, manager="Carol Ashworth", date="16/11/2062")),
    Scenario("signoff-dated-before-evidence", "CS302", "pdf", good,
             lambda refs: signed(refs, manager="Tobias Reed", date="14/09/2026")),
    Scenario("signoff-without-outcome", "CS303", "docx", good,
             lambda refs: signed(refs, manager="Tobias Reed", outcome="")),
    Scenario("signoff-without-manager-name", "CS304", "xlsx", good,
             lambda refs: Review(statuses={ref: "Met" for ref in refs}, date=REVIEW_DATE, outcome=MET,
                                 next_review=NEXT_REVIEW, next_steps=steps())),
    Scenario("complete-evidence-not-assessed-yet", "WT106", "docx", good, blank),
    Scenario("level3-short-elearning-only-refresher", "ML205", "docx", short_elearning_only,
             _manager("Victoria Hale")),
    Scenario("level1-elearning-refresher", "CS305", "xlsx", elearning_level1, _manager("Tobias Reed")),
    Scenario("not-yet-met-later-evidenced-not-reassessed", "WT107", "xlsx", later_evidenced, nyn_mid_year),
    Scenario("not-yet-met-later-evidenced-reassessed", "WT108", "docx", later_evidenced, nyn_reassessed),
    Scenario("signed-off-refresher-overdue", "WT109", "docx", informal, signed),
    Scenario("signed-off-refresher-overdue-previous", "WT109", "docx",
             previous_year([(dt.date(2022, 11, 15), FULL_DAY)], dt.date(2022, 11, 1)),
             previous_review("14/11/2023", "Denise Okoro"), previous=True),
    Scenario("designated-lead-23-months", "ML206", "pdf", informal, _manager("Carol Ashworth")),
    Scenario("designated-lead-23-months-previous", "ML206", "docx",
             previous_year(LEVEL3_TRAINING_2024_DEC, dt.date(2024, 10, 1)),
             previous_review("13/10/2025", "Carol Ashworth"), previous=True),
    Scenario("designated-lead-25-months", "CS306", "xlsx", informal, _manager("Tobias Reed")),
    Scenario("designated-lead-25-months-previous", "CS306", "xlsx",
             previous_year(LEVEL3_TRAINING_2024_OCT, dt.date(2024, 10, 1)),
             previous_review("13/10/2025", "Tobias Reed"), previous=True),
    Scenario("not-a-lead-25-months", "CS307", "docx", informal, _manager("Tobias Reed")),
    Scenario("not-a-lead-25-months-previous", "CS307", "docx",
             previous_year(LEVEL1_TRAINING_2024_OCT, dt.date(2024, 10, 1)),
             previous_review("13/10/2025", "Tobias Reed"), previous=True),
    Scenario("month-only-dates", "EG406", "docx", month_only, _manager("Paul Lindsay")),
    Scenario("undated-row", "EG407", "xlsx", undated, assessed_unsigned),
    Scenario("evidence-outside-period", "WT110", "docx", outside_period, assessed_unsigned),
    Scenario("no-reflections", "ML207", "pdf", no_reflections, assessed_unsigned),
    Scenario("online-learning-not-applied", "CS308", "xlsx", online_not_applied, assessed_unsigned),
    Scenario("one-type-of-learning-only", "EG408", "docx", all_elearning, assessed_unsigned),
    Scenario("copied-reflections", "ML208", "xlsx", copied, assessed_unsigned),
    Scenario("signed-off-without-next-steps", "CS311", "docx", good,
             lambda refs: replace(signed(refs, manager="Tobias Reed"), next_steps=[])),
    Scenario("generated-log-sent-back-empty", "CS309", "docx", untouched, blank),
    Scenario("additional-competency-without-evidence", "WT111", "xlsx", without({"6.10"}), assessed_unsigned),
]
