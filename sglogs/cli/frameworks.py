"""``sglogs frameworks list|show|validate|import|export|schema`` (parsing and printing only)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from ..config import load_settings
from ..errors import UsageError
from ..files import make_folders
from ..frameworks import (
    export_csv,
    framework_yaml,
    installed_frameworks,
    json_schema,
    load_framework,
    read_framework_table,
    required_competencies,
)
from .app import frameworks_app
from .console import err, out, user_errors


@frameworks_app.command("list")
@user_errors
def frameworks_list() -> None:
    """List the frameworks sglogs knows (from the frameworks folder).

    Example: sglogs frameworks list
    """
    settings = load_settings()
    header = ("id", "title", "levels", "competencies", "refresher (years)")
    rows = []
    for fw in installed_frameworks(settings.frameworks_dir).values():
        count = sum(len(lv.competencies) for lv in fw.levels)
        rows.append((fw.id, fw.title, ", ".join(lv.id for lv in fw.levels), str(count),
                     f"{fw.refresher.years} ({fw.refresher.designated_lead_years} for designated leads)"))
    if not out.is_terminal:  # piped: one tab-separated line per framework, easy to cut or sort
        for row in (header, *rows):
            out.print("\t".join(row), markup=False)
        return
    table = Table(*header, box=None)
    for row in rows:
        table.add_row(*row)
    out.print(table)


@frameworks_app.command("show")
@user_errors
def frameworks_show(
    framework_id: Annotated[str, typer.Argument(help="Framework id, e.g. norfolk-nscp-2024.")],
    level: Annotated[str | None, typer.Option(help="Show the full list a person at this level gets.")] = None,
) -> None:
    """Show a framework's levels and competencies, with where each comes from.

    Example: sglogs frameworks show norfolk-nscp-2024 --level 7
    """
    settings = load_settings()
    frameworks = installed_frameworks(settings.frameworks_dir)
    if framework_id not in frameworks:
        raise UsageError(f"There is no framework '{framework_id}'; choose one of: {', '.join(frameworks)}.")
    fw = frameworks[framework_id]
    out.print(f"[bold]{escape(fw.title)}[/] ({fw.id})", markup=True)
    if fw.publisher:
        out.print(fw.publisher)
    if level is not None:
        try:
            comps = required_competencies(fw, level)
        except KeyError:
            known = ", ".join(lv.id for lv in fw.levels)
            raise UsageError(f"{fw.id} has no level '{level}'; choose one of: {known}.") from None
        for c in comps:
            origin = f" [dim](from {c.level_name})[/]" if c.inherited else ""
            out.print(f"  {c.id:>6}  {escape(c.competency.text)}{origin}", markup=True)
        return
    for lv in fw.levels:
        heading = f"{lv.name}" + (f" – {lv.title}" if lv.title else "")
        out.print(f"\n[bold]{escape(heading)}[/]", markup=True)
        if lv.includes:
            out.print(f"  includes: {', '.join(lv.includes)}  [dim]({escape(lv.includes_text)})[/]", markup=True)
        for c in lv.competencies:
            out.print(f"  {c.id:>6}  {escape(c.text)}  [dim]\\[{c.kind.value}][/]", markup=True)


@frameworks_app.command("validate")
@user_errors
def frameworks_validate(
    path: Annotated[Path, typer.Argument(help="Framework YAML file to check.")],
) -> None:
    """Check a framework file; on error, name the file, the line and the field.

    Example: sglogs frameworks validate frameworks/london.yaml
    """
    fw = load_framework(path)
    count = sum(len(lv.competencies) for lv in fw.levels)
    err.print(f"{path} is valid: {fw.id}, {len(fw.levels)} levels, {count} competencies.")


@frameworks_app.command("import")
@user_errors
def frameworks_import(
    path: Annotated[Path, typer.Argument(help="Framework table (.csv or .xlsx), format in docs/frameworks.md.")],
    out_dir: Annotated[Path | None, typer.Option("--out", help="Folder to write the YAML to "
                                                 "[default: frameworks_dir of sglogs.toml].")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace a framework file that exists.")] = False,
) -> None:
    """Import a framework from a CSV/XLSX table (e.g. LLR 2014 with core and additional competencies).

    Example: sglogs frameworks import llr-2014.csv
    """
    settings = load_settings()
    target_dir = out_dir or settings.frameworks_dir
    if target_dir is None:
        raise UsageError("There is no folder for your own frameworks yet; name one with frameworks_dir in sglogs.toml "
                         "(sglogs init makes one), or give --out FOLDER.")
    for fw in read_framework_table(path):
        target = target_dir / f"{fw.id}.yaml"
        if target.exists() and not force:
            raise UsageError(f"{target} exists; use --force to replace it.")
        make_folders(target_dir, 0o755)  # security 15.2: one folder maker (frameworks are not personal data)
        target.write_text(framework_yaml(fw), encoding="utf-8")
        count = sum(len(lv.competencies) for lv in fw.levels)
        err.print(f"Imported {fw.id}: {len(fw.levels)} levels, {count} competencies -> {target}")


@frameworks_app.command("export")
@user_errors
def frameworks_export(
    framework_id: Annotated[str, typer.Argument(help="Framework id.")],
    csv: Annotated[bool, typer.Option("--csv", help="Write the CSV table format (the only format so far).")] = True,
    out_file: Annotated[Path | None, typer.Option("--out", help="File to write [default: stdout].")] = None,
) -> None:
    """Export a framework as a CSV table that 'frameworks import' reads back unchanged.

    Example: sglogs frameworks export london --csv --out london.csv
    """
    settings = load_settings()
    frameworks = installed_frameworks(settings.frameworks_dir)
    if framework_id not in frameworks:
        raise UsageError(f"There is no framework '{framework_id}'; choose one of: {', '.join(frameworks)}.")
    text = export_csv(frameworks[framework_id])
    if out_file is None:
        sys.stdout.write(text)
    else:
        out_file.write_text(text, encoding="utf-8")
        err.print(f"Wrote {out_file}")


@frameworks_app.command("schema")
@user_errors
def frameworks_schema() -> None:
    """Print the JSON Schema of a framework file.

    Example: sglogs frameworks schema > framework.schema.json
    """
    sys.stdout.write(json_schema())
