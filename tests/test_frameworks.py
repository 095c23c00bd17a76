"""The shipped frameworks: wording word for word from the seeds, inheritance as the texts state it, and the
YAML / CSV / XLSX formats (validation messages, lossless round trips, imports of core + additional)."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from openpyxl import Workbook

from sglogs.config import PROJECT_DIR
from sglogs.errors import FrameworkError
from sglogs.frameworks import (
    export_csv,
    framework_yaml,
    json_schema,
    load_framework,
    read_framework_table,
    required_competencies,
)
from sglogs.models import CompetencyKind, Framework

from .conftest import SEEDS

SEED_OF = {
    "norfolk-nscp-2024": "norfolk-nscp-competencies-framework-2024.txt",
    "london": "london-competency-framework.txt",
    "lscp-pa3": "lscp-learning-and-improvement-framework-pa3.txt",
}


def normalise(text: str) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", " ", text)).replace("•", " ")
    return " ".join(text.split())


@pytest.fixture(scope="module")
def seed_texts() -> dict[str, str]:
    if not SEEDS.is_dir():
        pytest.skip("shared/seeds is not beside this checkout")
    return {fid: normalise((SEEDS / name).read_text(encoding="utf-8")) for fid, name in SEED_OF.items()}


def test_the_three_seed_frameworks_are_shipped(frameworks: dict[str, Framework]) -> None:
    assert set(SEED_OF) <= set(frameworks)
    assert [lv.id for lv in frameworks["norfolk-nscp-2024"].levels] == [str(i) for i in range(1, 10)]
    assert [lv.id for lv in frameworks["london"].levels] == ["1", "2", "3", "4", "5"]
    assert [lv.id for lv in frameworks["lscp-pa3"].levels] == ["1", "2", "3", "4", "5"]


@pytest.mark.parametrize("framework_id", list(SEED_OF))
def test_every_competency_is_word_for_word_from_its_seed(
    frameworks: dict[str, Framework], seed_texts: dict[str, str], framework_id: str
) -> None:
    seed = seed_texts[framework_id]
    for level in frameworks[framework_id].levels:
        for comp in level.competencies:
            # PA3 bullets end in ";" as list separators; the competency keeps the words, not the separator
            assert comp.text in seed, f"{comp.id} is not in the seed: {comp.text!r}"
            for example in comp.examples:
                assert example in seed, f"{comp.id} example not in the seed: {example!r}"
            assert comp.source is not None and comp.source.document == SEED_OF[framework_id]
        if level.includes_text:
            assert level.includes_text in seed


def own_texts(framework: Framework, level_id: str) -> list[str]:
    return [c.text for c in framework.level(level_id).competencies]


def test_norfolk_stage_2_lists_exactly_the_seed_bullets(frameworks: dict[str, Framework]) -> None:
    assert own_texts(frameworks["norfolk-nscp-2024"], "2") == [
        "Recognise that all children and young people can be vulnerable to abuse.",
        "Recognise abuse can be perpetrated or experienced by work colleagues.",
        "Know who to talk to in your organisation if you have concerns.",
        "Have confidence in voicing concerns.",
        "Understand where to take concerns next.",
    ]


def test_norfolk_stage_6_runs_across_the_page_breaks_and_keeps_the_nested_list(
    frameworks: dict[str, Framework],
) -> None:
    stage6 = frameworks["norfolk-nscp-2024"].level("6")
    texts = [c.text for c in stage6.competencies]
    assert texts[0] == "Understand your role and responsibilities within safeguarding."
    assert "Use a strength-based approach with children and families?" in texts
    wider = stage6.competencies[-1]
    assert wider.text == "Have an in-depth knowledge on wider safeguarding issues e.g.:"
    assert wider.examples[0] == "Domestic abuse"
    assert wider.examples[-1] == "Harmful practices including FGC and so-called ‘honor-based abuse.’"
    assert len(stage6.competencies) == 23


def test_norfolk_stage_8_includes_the_block_after_its_example_roles(frameworks: dict[str, Framework]) -> None:
    texts = own_texts(frameworks["norfolk-nscp-2024"], "8")
    assert texts[0] == "Hold the child centre at all times and ensure their voice is heard at all levels."
    assert texts[-1] == "Lead on LADO procedures for your own organisation."


def test_london_level_4_and_pa3_level_4_match_the_seed(frameworks: dict[str, Framework]) -> None:
    assert own_texts(frameworks["london"], "4") == [
        "Supervising child protection cases. Managing performance to promote effective inter-agency practice.",
        "Specialist training to undertake key management and/or supervisory roles in, for example, intake/duty "
        "teams.",
    ]
    assert own_texts(frameworks["lscp-pa3"], "4") == [
        "Supervising child protection cases. Managing performance to promote effective inter-agency practice",
        "Specialist training to undertake key management and/or supervisory roles in, for example, intake/duty "
        "teams",
        "Safer Recruitment Training.",
    ]


def test_london_level_3_continues_after_the_page_break(frameworks: dict[str, Framework]) -> None:
    texts = own_texts(frameworks["london"], "3")
    assert texts[3] == "Taking emergency action."
    assert texts[-1] == "Supervising child protection cases and advising others"
    assert len(texts) == 7
    level = frameworks["london"].level("3")
    assert level.groups == ("4", "5") and level.intercollegiate == "3-4"


@pytest.mark.parametrize(
    ("level", "expected_from"),
    [
        ("1", []),
        ("2", ["1"]),
        ("3", ["1", "2"]),
        ("4", ["1", "2", "3"]),
        ("5", ["1", "2", "3", "4"]),
        ("6", ["1", "2", "3", "4"]),  # "Stage 1-4 competences": not stage 5
        ("7", ["1", "2", "3", "4", "6"]),  # "Stage 6 competences", and what stage 6 includes
        ("8", ["1", "2", "3", "4", "6", "7"]),
        ("9", ["1", "2", "3"]),  # "Stage 1 - 3 competencies": no straight line
    ],
)
def test_norfolk_inheritance_is_what_each_stage_says(
    frameworks: dict[str, Framework], level: str, expected_from: list[str]
) -> None:
    comps = required_competencies(frameworks["norfolk-nscp-2024"], level)
    inherited_from = sorted({c.level_id for c in comps if c.inherited}, key=int)
    assert inherited_from == expected_from
    own = [c.id for c in comps if not c.inherited]
    assert own and all(cid.startswith(f"{level}.") for cid in own)


@pytest.mark.parametrize("framework_id", ["london", "lscp-pa3"])
def test_london_and_pa3_state_no_inheritance(frameworks: dict[str, Framework], framework_id: str) -> None:
    for level in frameworks[framework_id].levels:
        assert level.includes == ()
        assert [c.id for c in required_competencies(frameworks[framework_id], level.id)] == [
            c.id for c in level.competencies
        ]


@pytest.mark.parametrize("framework_id", list(SEED_OF))
def test_refresher_is_three_years_and_two_for_designated_leads(
    frameworks: dict[str, Framework], framework_id: str
) -> None:
    rule = frameworks[framework_id].refresher
    assert (rule.years, rule.designated_lead_years) == (3, 2)
    assert rule.source is not None


@pytest.mark.parametrize("framework_id", list(SEED_OF))
def test_csv_export_import_round_trip_is_lossless(
    frameworks: dict[str, Framework], framework_id: str, tmp_path: Path
) -> None:
    path = tmp_path / f"{framework_id}.csv"
    path.write_text(export_csv(frameworks[framework_id]), encoding="utf-8")
    (imported,) = read_framework_table(path)
    assert imported == frameworks[framework_id]


@pytest.mark.parametrize("framework_id", list(SEED_OF))
def test_yaml_written_by_import_loads_back_the_same(
    frameworks: dict[str, Framework], framework_id: str, tmp_path: Path
) -> None:
    path = tmp_path / f"{framework_id}.yaml"
    path.write_text(framework_yaml(frameworks[framework_id]), encoding="utf-8")
    assert load_framework(path) == frameworks[framework_id]


LLR_STYLE_CSV = """\
Framework,Level/Group,Competency ID,Text,Core|Additional,Source
llr-example,1,C1,Example core competency one (made-up wording for the test),core,llr-example.pdf § Group 1
llr-example,1,C2,Example core competency two,core,llr-example.pdf § Group 1
llr-example,1,A1,Example additional competency chosen by role,additional,llr-example.pdf § Group 1
llr-example,2,C3,Example group 2 core competency,core,llr-example.pdf § Group 2
"""


def test_import_of_a_minimal_llr_style_table_with_core_and_additional(tmp_path: Path) -> None:
    path = tmp_path / "llr.csv"
    path.write_text(LLR_STYLE_CSV, encoding="utf-8")
    (fw,) = read_framework_table(path)
    assert fw.id == "llr-example" and [lv.id for lv in fw.levels] == ["1", "2"]
    assert fw.competency("A1").kind is CompetencyKind.ADDITIONAL
    # additional competencies are listed only for the people they are chosen for
    assert [c.id for c in required_competencies(fw, "1")] == ["C1", "C2"]
    chosen = required_competencies(fw, "1", additional=["A1"])
    assert [(c.id, c.kind) for c in chosen][-1] == ("A1", CompetencyKind.ADDITIONAL)


def test_import_from_xlsx(tmp_path: Path) -> None:
    wb = Workbook()
    for line in LLR_STYLE_CSV.splitlines():
        wb.active.append(line.split(","))
    path = tmp_path / "llr.xlsx"
    wb.save(path)
    (fw,) = read_framework_table(path)
    assert fw.competency("C3").source.section == "Group 2"


def test_import_names_row_and_column_of_a_bad_kind(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(LLR_STYLE_CSV.replace("additional,", "optional,"), encoding="utf-8")
    with pytest.raises(FrameworkError, match=r"row 4, column 'kind': 'optional' is not core or additional"):
        read_framework_table(path)


def test_import_names_missing_columns(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("Framework,Text\nx,y\n", encoding="utf-8")
    with pytest.raises(FrameworkError, match="missing column"):
        read_framework_table(path)


BROKEN_YAML = """\
id: broken
title: A broken framework
level_label: Stage
refresher:
  years: 3
  designated_lead_years: 2
levels:
  - id: "1"
    name: Stage 1
    competencies:
      - id: "1.1"
        text: Fine
      - id: "1.2"
        kind: mandatory
        text: The kind is wrong
"""


def test_validate_names_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN_YAML, encoding="utf-8")
    with pytest.raises(FrameworkError) as info:
        load_framework(path)
    message = info.value.message
    assert str(path) in message
    assert "line 14" in message
    assert "field 'levels[0].competencies[1].kind'" in message


def test_validate_reports_unknown_include_and_yaml_syntax(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(BROKEN_YAML.replace("kind: mandatory", "kind: core").replace(
        'name: Stage 1', 'name: Stage 1\n    includes: ["7"]'), encoding="utf-8")
    with pytest.raises(FrameworkError, match="includes unknown level '7'"):
        load_framework(path)
    path.write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(FrameworkError, match=r"line \d+: not valid YAML"):
        load_framework(path)


def test_committed_json_schema_matches_the_model() -> None:
    committed = (PROJECT_DIR / "sglogs" / "data" / "frameworks" / "framework.schema.json").read_text(encoding="utf-8")
    assert json.loads(committed) == json.loads(json_schema())
