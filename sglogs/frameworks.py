"""Frameworks as data: load and validate framework YAML files, resolve inheritance, import and export CSV/XLSX.

A framework file is checked against ``sglogs.models.Framework``; an error names the file, the line and the
field. Inheritance follows each level's ``includes`` exactly as its text states it, transitively.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .errors import FrameworkError, InputError
from .models import CompetencyKind, Framework, Level, RequiredCompetency, SourceRef
from .shipped import shipped_frameworks, user_folder

FRAMEWORK_SUFFIXES = (".yaml", ".yml")
# libyaml's loader is ten times faster; PyYAML wheels include it, a source build may not
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: Columns of the framework CSV/XLSX format, in order (docs/frameworks.md describes each).
CSV_COLUMNS = (
    "framework_id",
    "level",
    "competency_id",
    "text",
    "kind",
    "source",
    "examples",
    "level_name",
    "level_title",
    "level_description",
    "level_includes",
    "level_includes_text",
    "level_training",
    "level_example_roles",
    "level_groups",
    "level_intercollegiate",
    "level_source",
    "framework_title",
    "framework_publisher",
    "framework_level_label",
    "framework_source",
    "framework_notes",
    "refresher_years",
    "refresher_designated_lead_years",
    "refresher_source",
    "refresher_note",
)
#: Columns an import needs; the rest are optional.
CSV_REQUIRED = ("framework_id", "level", "competency_id", "text", "kind")
#: Header spellings accepted on import, mapped to the canonical column.
CSV_ALIASES = {
    "framework": "framework_id",
    "framework id": "framework_id",
    "level/group": "level",
    "group": "level",
    "level / group": "level",
    "stage": "level",
    "competency id": "competency_id",
    "id": "competency_id",
    "competency": "text",
    "competency text": "text",
    "core|additional": "kind",
    "core/additional": "kind",
    "type": "kind",
}
LIST_SEPARATOR = "\n"


# ----------------------------------------------------------------------------------------------- loading


def load_framework(path: Path) -> Framework:
    """Load and validate one framework YAML file.

    Raises ``FrameworkError`` naming the file, the line and the field when the file is wrong.

    Example:
        >>> load_framework(Path("frameworks/london.yaml")).level("2").name  # doctest: +SKIP
        'Level 2'
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FrameworkError(f"{path}: no such framework file; check the path.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise FrameworkError(f"{path} cannot be read ({exc}); save it as UTF-8 text.") from exc
    try:
        # bandit B506 is a false alarm: _YAML_LOADER is the (C)SafeLoader, which never builds objects
        data = yaml.load(text, Loader=_YAML_LOADER)  # nosec B506
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise FrameworkError(f"{path}{where}: not valid YAML ({problem}); fix the indentation or quoting.") from exc
    if not isinstance(data, dict):
        raise FrameworkError(f"{path}, line 1: a framework file must be a mapping with id, title and levels.")
    try:
        framework = Framework.model_validate(data)
    except ValidationError as exc:
        # the node tree is only built to name the line of the error
        root = yaml.compose(text, Loader=_YAML_LOADER)
        raise FrameworkError(_describe_validation_error(path, root, exc)) from exc
    return fill_sources(framework)


def _describe_validation_error(path: Path, root: yaml.Node | None, exc: ValidationError) -> str:
    err = exc.errors()[0]
    loc = [p for p in err["loc"] if p not in ("function-after", "tuple")]
    node, line = root, 1
    for part in loc:
        child = _yaml_child(node, part)
        if child is None:
            break
        node = child
    if node is not None:
        line = node.start_mark.line + 1
    field = _field_path(loc) or "(top level)"
    message = err["msg"].removeprefix("Value error, ").rstrip(".")
    return f"{path}, line {line}, field '{field}': {message}; correct it (sglogs frameworks validate checks a file)."


def _yaml_child(node: yaml.Node | None, key: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if k.value == key:
                return v
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
        return node.value[key]
    return None


def _field_path(loc: Iterable[str | int]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def fill_sources(framework: Framework) -> Framework:
    """Give every competency a source: its own, else its level's, else the framework's.

    Example:
        >>> from sglogs.models import Competency, RefresherRule
        >>> fw = Framework(id="x", title="X", level_label="Level",
        ...     refresher=RefresherRule(years=3, designated_lead_years=2),
        ...     source=SourceRef(document="x.txt", section="all"),
        ...     levels=(Level(id="1", name="L1", competencies=(Competency(id="1.1", text="T"),)),))
        >>> fill_sources(fw).levels[0].competencies[0].source.section
        'all'
    """
    levels = []
    for lv in framework.levels:
        level_source = lv.source or framework.source
        comps = tuple(c if c.source else c.model_copy(update={"source": level_source}) for c in lv.competencies)
        levels.append(lv.model_copy(update={"competencies": comps, "source": level_source}))
    return framework.model_copy(update={"levels": tuple(levels)})


def load_frameworks(directory: Path) -> dict[str, Framework]:
    """Load every framework file in a folder, keyed by framework id.

    Raises ``FrameworkError`` for the first invalid file, or when two files share an id.

    Example:
        >>> sorted(load_frameworks(Path("frameworks")))  # doctest: +SKIP
        ['london', 'lscp-pa3', 'norfolk-nscp-2024']
    """
    if not directory.is_dir():
        raise FrameworkError(f"The frameworks folder {directory} does not exist; set frameworks_dir in sglogs.toml.")
    frameworks: dict[str, Framework] = {}
    origin: dict[str, Path] = {}
    for path in sorted(directory.iterdir()):
        if path.suffix.lower() not in FRAMEWORK_SUFFIXES or path.name.startswith("."):
            continue
        fw = load_framework(path)
        if fw.id in frameworks:
            raise FrameworkError(f"{path} and {origin[fw.id]} both define framework '{fw.id}'; rename one id.")
        frameworks[fw.id], origin[fw.id] = fw, path
    return frameworks


def installed_frameworks(frameworks_dir: Path | None) -> dict[str, Framework]:
    """Every framework this installation knows: the shipped ones, then the organisation's own in ``frameworks_dir``.

    A framework of the organisation's with the id of a shipped one replaces it (a local edition of the same
    partnership's framework). Raises ``SetupError`` when ``frameworks_dir`` is named but missing, and
    ``FrameworkError`` (exit 2) naming the file, line and field of the first file that does not validate.

    Example:
        >>> sorted(installed_frameworks(None))
        ['london', 'lscp-pa3', 'norfolk-nscp-2024']
    """
    frameworks: dict[str, Framework] = {}
    for path in shipped_frameworks():
        fw = load_framework(path)
        frameworks[fw.id] = fw
    own = user_folder(frameworks_dir, "frameworks_dir")
    if own is not None:
        frameworks.update(load_frameworks(own))
    return frameworks


# ------------------------------------------------------------------------------------------- inheritance


def included_levels(framework: Framework, level_id: str) -> list[Level]:
    """Levels whose competencies ``level_id`` includes, transitively, in framework order, without itself.

    Example:
        >>> from sglogs.models import Competency, RefresherRule
        >>> fw = Framework(id="x", title="X", level_label="Stage",
        ...     refresher=RefresherRule(years=3, designated_lead_years=2),
        ...     levels=(Level(id="1", name="S1"), Level(id="6", name="S6", includes=("1",)),
        ...             Level(id="7", name="S7", includes=("6",))))
        >>> [lv.id for lv in included_levels(fw, "7")]
        ['1', '6']
    """
    seen: set[str] = set()
    pending = list(framework.level(level_id).includes)
    while pending:
        current = pending.pop()
        if current in seen or current == level_id:
            continue
        seen.add(current)
        pending.extend(framework.level(current).includes)
    return [lv for lv in framework.levels if lv.id in seen]


def required_competencies(
    framework: Framework, level_id: str, additional: Iterable[str] = ()
) -> list[RequiredCompetency]:
    """The competencies one person's log lists: inherited levels first, then their own, then chosen extras.

    Competencies a framework marks ``additional`` are only listed when named in ``additional``. Raises
    ``KeyError`` for an unknown level or an additional id the framework does not have.

    Example:
        >>> from sglogs.models import Competency, RefresherRule
        >>> fw = Framework(id="x", title="X", level_label="Stage",
        ...     refresher=RefresherRule(years=3, designated_lead_years=2),
        ...     levels=(Level(id="1", name="S1", competencies=(Competency(id="1.1", text="A"),)),
        ...             Level(id="2", name="S2", includes=("1",), competencies=(Competency(id="2.1", text="B"),))))
        >>> [(c.id, c.inherited) for c in required_competencies(fw, "2")]
        [('1.1', True), ('2.1', False)]
    """
    own = framework.level(level_id)
    chosen = list(dict.fromkeys(additional))
    for cid in chosen:
        framework.competency(cid)  # unknown ids raise KeyError for the caller to report
    result: list[RequiredCompetency] = []
    listed: set[str] = set()
    for lv in [*included_levels(framework, level_id), own]:
        for comp in lv.competencies:
            if comp.kind is CompetencyKind.ADDITIONAL and comp.id not in chosen:
                continue
            result.append(
                RequiredCompetency(
                    competency=comp,
                    level_id=lv.id,
                    level_name=lv.name,
                    inherited=lv.id != own.id,
                    chosen=comp.id in chosen,
                )
            )
            listed.add(comp.id)
    for cid in chosen:
        if cid in listed:
            continue
        lv = next(lv for lv in framework.levels if any(c.id == cid for c in lv.competencies))
        result.append(
            RequiredCompetency(
                competency=framework.competency(cid),
                level_id=lv.id,
                level_name=lv.name,
                inherited=lv.id != own.id,
                chosen=True,
            )
        )
    return result


def match_level(framework: Framework, text: str) -> str | None:
    """Find the level a person's roster cell means: an id ("4") or a name ("Stage 4", "level 4").

    Example:
        >>> from sglogs.models import Competency, RefresherRule
        >>> fw = Framework(id="x", title="X", level_label="Stage",
        ...     refresher=RefresherRule(years=3, designated_lead_years=2), levels=(Level(id="4", name="Stage 4"),))
        >>> match_level(fw, "stage 4"), match_level(fw, "5")
        ('4', None)
    """
    wanted = " ".join(text.split()).casefold()
    for lv in framework.levels:
        if wanted in (lv.id.casefold(), lv.name.casefold()):
            return lv.id
    return None


def match_framework(frameworks: dict[str, Framework], text: str) -> str | None:
    """Find the framework a roster cell means: its id, its title, or its publisher's place name.

    Example:
        >>> match_framework({}, "london") is None
        True
    """
    wanted = " ".join(text.split()).casefold()
    if not wanted:
        return None
    for fw in frameworks.values():
        if wanted in (fw.id.casefold(), fw.title.casefold()):
            return fw.id
    # "Norfolk", "PA3", "London": a unique word of an id is enough
    hits = [fw.id for fw in frameworks.values() if wanted in fw.id.casefold().split("-")]
    return hits[0] if len(hits) == 1 else None


# ---------------------------------------------------------------------------------------- CSV/XLSX format


def framework_rows(framework: Framework) -> Iterator[dict[str, str]]:
    """The framework as rows of the CSV format, one per competency (a level with none gets one row).

    Example:
        >>> from sglogs.models import Competency, RefresherRule
        >>> fw = Framework(id="x", title="X", level_label="Level",
        ...     refresher=RefresherRule(years=3, designated_lead_years=2),
        ...     levels=(Level(id="1", name="L1", competencies=(Competency(id="1.1", text="T"),)),))
        >>> next(framework_rows(fw))["competency_id"]
        '1.1'
    """
    rule = framework.refresher
    fw_cols = {
        "framework_id": framework.id,
        "framework_title": framework.title,
        "framework_publisher": framework.publisher,
        "framework_level_label": framework.level_label,
        "framework_source": _cite(framework.source),
        "framework_notes": framework.notes,
        "refresher_years": str(rule.years),
        "refresher_designated_lead_years": str(rule.designated_lead_years),
        "refresher_source": _cite(rule.source),
        "refresher_note": rule.note,
    }
    for lv in framework.levels:
        lv_cols = {
            "level": lv.id,
            "level_name": lv.name,
            "level_title": lv.title,
            "level_description": lv.description,
            "level_includes": LIST_SEPARATOR.join(lv.includes),
            "level_includes_text": lv.includes_text,
            "level_training": LIST_SEPARATOR.join(lv.training),
            "level_example_roles": LIST_SEPARATOR.join(lv.example_roles),
            "level_groups": LIST_SEPARATOR.join(lv.groups),
            "level_intercollegiate": lv.intercollegiate,
            "level_source": _cite(lv.source),
        }
        comps = lv.competencies or (None,)
        for comp in comps:
            row = dict.fromkeys(CSV_COLUMNS, "") | fw_cols | lv_cols
            if comp is not None:
                row |= {
                    "competency_id": comp.id,
                    "text": comp.text,
                    "kind": comp.kind.value,
                    "source": _cite(comp.source),
                    "examples": LIST_SEPARATOR.join(comp.examples),
                }
            yield row


def export_csv(framework: Framework) -> str:
    """The framework in the CSV format (UTF-8 text, lists as lines inside a cell).

    Example:
        >>> from sglogs.models import Competency, RefresherRule
        >>> fw = Framework(id="x", title="X", level_label="Level",
        ...     refresher=RefresherRule(years=3, designated_lead_years=2), levels=(Level(id="1", name="L1"),))
        >>> export_csv(fw).splitlines()[0].split(",")[:3]
        ['framework_id', 'level', 'competency_id']
    """
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(framework_rows(framework))
    return out.getvalue()


def _cite(source: SourceRef | None) -> str:
    return f"{source.document} § {source.section}" if source else ""


def _parse_cite(text: str, where: str) -> SourceRef | None:
    text = text.strip()
    if not text:
        return None
    document, sep, section = text.partition("§")
    if not sep or not document.strip() or not section.strip():
        raise FrameworkError(f"{where}: source must be written 'document § section', e.g. 'llr-2014.pdf § Group 3'.")
    return SourceRef(document=document.strip(), section=section.strip())


def _split_list(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.split(LIST_SEPARATOR) if line.strip())


def read_framework_table(path: Path) -> list[Framework]:
    """Import frameworks from a CSV or XLSX file in the framework table format (docs/frameworks.md).

    Only ``framework_id, level, competency_id, text, kind`` are required; rows of one framework may spread
    over the file. Raises ``FrameworkError`` naming the file, the row and the column that is wrong.

    Example:
        >>> [fw.id for fw in read_framework_table(Path("llr.csv"))]  # doctest: +SKIP
        ['llr-2014']
    """
    rows = list(_table_rows(path))
    if not rows:
        raise FrameworkError(f"{path} has no framework rows; add a header row and one row per competency.")
    header_keys = set(rows[0][1])
    missing = [c for c in CSV_REQUIRED if c not in header_keys]
    if missing:
        raise FrameworkError(
            f"{path}, row 1: missing column(s) {', '.join(missing)}; the header needs at least "
            f"{', '.join(CSV_REQUIRED)}."
        )
    grouped: dict[str, list[tuple[int, dict[str, str]]]] = {}
    for row_number, row in rows:
        fid = row.get("framework_id", "").strip()
        if not fid and not any(v.strip() for v in row.values()):
            continue
        if not fid:
            raise FrameworkError(f"{path}, row {row_number}, column 'framework_id': empty; give the framework id.")
        grouped.setdefault(fid, []).append((row_number, row))
    return [_framework_from_rows(path, fid, group) for fid, group in grouped.items()]


def _table_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        records = _xlsx_records(path)
    elif suffix in (".csv", ".txt"):
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            text = path.read_text(encoding="cp1252")
        except OSError as exc:
            raise InputError(f"{path} cannot be read ({exc.strerror}); check the path.") from exc
        records = csv.reader(io.StringIO(text))
    else:
        raise InputError(f"{path} is not a .csv or .xlsx file; export the framework table as CSV or XLSX.")
    header: list[str] | None = None
    for row_number, record in enumerate(records, start=1):
        cells = ["" if v is None else str(v) for v in record]
        if header is None:
            if not any(c.strip() for c in cells):
                continue
            header = [_canonical_column(c) for c in cells]
            continue
        yield row_number, {h: cells[i] if i < len(cells) else "" for i, h in enumerate(header) if h}


def _xlsx_records(path: Path) -> Iterator[tuple[Any, ...]]:
    from openpyxl import load_workbook  # only this importer needs openpyxl here

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise InputError(f"{path} is not a readable .xlsx workbook ({type(exc).__name__}); re-save it.") from exc
    try:
        yield from wb.worksheets[0].iter_rows(values_only=True)
    finally:
        wb.close()


def _canonical_column(name: str) -> str:
    key = " ".join(name.strip().lower().replace("_", " ").split())
    if key in CSV_ALIASES:
        return CSV_ALIASES[key]
    return key.replace(" ", "_")


def _framework_from_rows(path: Path, fid: str, rows: list[tuple[int, dict[str, str]]]) -> Framework:
    def first(column: str) -> str:
        return next((r[column].strip() for _, r in rows if r.get(column, "").strip()), "")

    def where(row_number: int, column: str) -> str:
        return f"{path}, row {row_number}, column '{column}'"

    levels: dict[str, dict[str, Any]] = {}
    for row_number, row in rows:
        lid = row.get("level", "").strip()
        if not lid:
            raise FrameworkError(f"{where(row_number, 'level')}: empty; give the level or group.")
        level = levels.setdefault(
            lid,
            {
                "id": lid,
                "name": row.get("level_name", "").strip() or f"{first('framework_level_label') or 'Level'} {lid}",
                "title": row.get("level_title", "").strip(),
                "description": row.get("level_description", "").strip(),
                "includes": _split_list(row.get("level_includes", "")),
                "includes_text": row.get("level_includes_text", "").strip(),
                "training": _split_list(row.get("level_training", "")),
                "example_roles": _split_list(row.get("level_example_roles", "")),
                "groups": _split_list(row.get("level_groups", "")),
                "intercollegiate": row.get("level_intercollegiate", "").strip(),
                "source": _parse_cite(row.get("level_source", ""), where(row_number, "level_source")),
                "competencies": [],
            },
        )
        cid = row.get("competency_id", "").strip()
        text = " ".join(row.get("text", "").split())
        if not cid and not text:
            continue  # a level without competencies of its own
        if not cid or not text:
            column = "competency_id" if not cid else "text"
            raise FrameworkError(f"{where(row_number, column)}: empty; every competency needs an id and its text.")
        kind_text = row.get("kind", "").strip().lower() or "core"
        if kind_text not in ("core", "additional"):
            raise FrameworkError(f"{where(row_number, 'kind')}: '{kind_text}' is not core or additional.")
        level["competencies"].append(
            {
                "id": cid,
                "text": text,
                "kind": kind_text,
                "examples": _split_list(row.get("examples", "")),
                "source": _parse_cite(row.get("source", ""), where(row_number, "source")),
            }
        )
    try:
        years = int(first("refresher_years") or 3)
        lead_years = int(first("refresher_designated_lead_years") or 2)
    except ValueError:
        raise FrameworkError(f"{path}: refresher_years must be whole numbers of years, e.g. 3.") from None
    data = {
        "id": fid,
        "title": first("framework_title") or fid,
        "publisher": first("framework_publisher"),
        "level_label": first("framework_level_label") or "Level",
        "source": _parse_cite(first("framework_source"), f"{path}, column 'framework_source'"),
        "notes": first("framework_notes"),
        "refresher": {
            "years": years,
            "designated_lead_years": lead_years,
            "source": _parse_cite(first("refresher_source"), f"{path}, column 'refresher_source'"),
            "note": first("refresher_note"),
        },
        "levels": list(levels.values()),
    }
    try:
        return fill_sources(Framework.model_validate(data))
    except ValidationError as exc:
        err = exc.errors()[0]
        field = _field_path(p for p in err["loc"] if p not in ("function-after", "tuple"))
        msg = err["msg"].removeprefix("Value error, ")
        raise FrameworkError(f"{path}, framework '{fid}', field '{field or 'framework'}': {msg}.") from exc


def framework_yaml(framework: Framework) -> str:
    """Serialise a framework as YAML in the shape of the shipped files (for ``frameworks import``).

    Example:
        >>> from sglogs.models import Competency, RefresherRule
        >>> fw = Framework(id="x", title="X", level_label="Level",
        ...     refresher=RefresherRule(years=3, designated_lead_years=2), levels=(Level(id="1", name="L1"),))
        >>> "id: x" in framework_yaml(fw)
        True
    """
    data = framework.model_dump(mode="json", exclude_defaults=True)
    data.setdefault("refresher", framework.refresher.model_dump(mode="json"))
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110)


def json_schema() -> str:
    """The JSON Schema of a framework file (committed as ``frameworks/framework.schema.json``).

    Example:
        >>> json.loads(json_schema())["title"]
        'Framework'
    """
    return json.dumps(Framework.model_json_schema(), indent=2, ensure_ascii=False) + "\n"
