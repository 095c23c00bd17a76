"""The shipped frameworks and templates, and the organisation's own folders on top of them (issue 12)."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sglogs.cli import app
from sglogs.config import PROJECT_DIR
from sglogs.shipped import TEMPLATE_NAMES, shipped_frameworks, template_file
from tests.test_cli import roster

runner = CliRunner()
NORFOLK = PROJECT_DIR / "sglogs" / "data" / "frameworks" / "norfolk-nscp-2024.yaml"
ROW = ["A1", "Ann Able", "Cook", "Acorns", "M", "Norfolk", "Stage 3", "n"]


def _config(folder: Path, **keys: str) -> None:
    (folder / "sglogs.toml").write_text("".join(f'{k} = "{v}"\n' for k, v in keys.items()), encoding="utf-8")


def test_every_shipped_file_is_found_through_the_package() -> None:
    assert [p.name for p in shipped_frameworks()] == ["london.yaml", "lscp-pa3.yaml", "norfolk-nscp-2024.yaml"]
    for name in TEMPLATE_NAMES:
        assert zipfile.is_zipfile(template_file(name, None)), name


def test_own_frameworks_add_to_and_override_the_shipped_ones(tmp_path: Path) -> None:
    own = tmp_path / "frameworks"
    own.mkdir()
    text = NORFOLK.read_text(encoding="utf-8")
    # the organisation's local edition of the Norfolk framework, and a framework of its own
    edition = text.replace('title: "NSCP Safeguarding Children Competencies Framework 2024"',
                           'title: "Norfolk (our edition)"', 1)
    (own / "local-norfolk.yaml").write_text(edition, encoding="utf-8")
    (own / "ours.yaml").write_text(text.replace('id: "norfolk-nscp-2024"', 'id: "ours"', 1), encoding="utf-8")
    _config(tmp_path, frameworks_dir="frameworks")
    listed = runner.invoke(app, ["frameworks", "list"])
    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    by_id = {line.split()[0]: line for line in lines[1:]}
    assert sorted(by_id) == ["london", "lscp-pa3", "norfolk-nscp-2024", "ours"]
    assert "Norfolk (our edition)" in by_id["norfolk-nscp-2024"] and "NSCP" in by_id["ours"]


def test_own_template_is_used_instead_of_the_shipped_one(tmp_path: Path) -> None:
    own = tmp_path / "templates"
    own.mkdir()
    with zipfile.ZipFile(template_file("log.docx", None)) as src, zipfile.ZipFile(own / "log.docx", "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(b"</w:body>", b"<w:p><w:r><w:t>Acorns house style</w:t></w:r></w:p></w:body>")
            dst.writestr(info, data)
    _config(tmp_path, templates_dir="templates")
    path = roster(tmp_path / "r.csv", [ROW])
    result = runner.invoke(app, ["generate", str(path), "--format", "docx", "--start", "01/01/2026"])
    assert result.exit_code == 0, result.output
    [made] = list((tmp_path / "outbox" / "logs").rglob("*.docx"))
    with zipfile.ZipFile(made) as zf:
        assert b"Acorns house style" in zf.read("word/document.xml")
    assert template_file("log.xlsx", own).parent.name == "templates" and template_file("log.xlsx", own) != own


@pytest.mark.parametrize("key", ["frameworks_dir", "templates_dir"])
def test_a_named_folder_that_does_not_exist_is_one_sentence_and_exit_2(tmp_path: Path, key: str) -> None:
    _config(tmp_path, **{key: "no-such-folder"})
    path = roster(tmp_path / "r.csv", [ROW])
    result = runner.invoke(app, ["generate", str(path)])
    assert result.exit_code == 2, result.output
    message = " ".join(result.output.split())
    assert f"The folder no-such-folder named by {key} in sglogs.toml does not exist; create it" in message
    assert "Traceback" not in result.output and not (tmp_path / "outbox").exists()


@pytest.mark.parametrize(("name", "content", "says"), [
    ("log.docx", b"not a zip at all", "is not a valid Word or Excel file"),
    ("log.docx", None, "is not a Word document"),  # an Excel workbook saved under the Word template's name
    ("log.xlsx", b"PK\x03\x04 truncated", "is not a valid Word or Excel file"),
])
def test_a_template_that_is_not_a_docx_or_xlsx_is_refused_before_anything_is_written(
    tmp_path: Path, name: str, content: bytes | None, says: str
) -> None:
    own = tmp_path / "templates"
    own.mkdir()
    if content is None:
        shutil.copy(template_file("log.xlsx", None), own / name)
    else:
        (own / name).write_bytes(content)
    _config(tmp_path, templates_dir="templates")
    path = roster(tmp_path / "r.csv", [ROW])
    result = runner.invoke(app, ["generate", str(path)])
    assert result.exit_code == 2, result.output
    message = " ".join(result.output.split())
    assert str(Path("templates") / name) in message and says in message and "Traceback" not in message
    assert "remove it to use the shipped one" in message
    assert not list((tmp_path / "outbox").rglob("*.docx")) and not list((tmp_path / "outbox").rglob("*.xlsx"))


def test_a_review_template_that_is_damaged_is_refused_with_exit_2(tmp_path: Path) -> None:
    own = tmp_path / "templates"
    own.mkdir()
    (own / "action_plan.xlsx").write_text("name,action\n", encoding="utf-8")
    _config(tmp_path, templates_dir="templates")
    completed = PROJECT_DIR / "examples" / "completed" / "NS001_Hartley_completed.xlsx"
    result = runner.invoke(app, ["review", str(completed), "--out", str(tmp_path / "reviews")])
    assert result.exit_code == 2, result.output
    assert "action_plan.xlsx" in result.output and "Excel" in result.output
    assert not list((tmp_path / "reviews").rglob("*_evidence.json"))


def test_an_own_framework_that_does_not_validate_names_file_line_and_field(tmp_path: Path) -> None:
    own = tmp_path / "frameworks"
    own.mkdir()
    (own / "ours.yaml").write_text(NORFOLK.read_text(encoding="utf-8").replace("years: 3", "years: thirty", 1),
                                   encoding="utf-8")
    _config(tmp_path, frameworks_dir="frameworks")
    result = runner.invoke(app, ["frameworks", "list"])
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert "ours.yaml, line" in message and "field 'refresher.years'" in message and "correct it" in message
