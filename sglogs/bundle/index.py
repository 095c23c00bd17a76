"""The human-readable parts of a bundle: ``index.html``, ``index.xlsx`` and ``register-extract.xlsx``."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import IO, Any
from urllib.parse import quote

from jinja2 import Environment, StrictUndefined
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from .. import __version__
from ..core.formatting import count, long_date, long_datetime
from ..reports.printing import DATE_FORMAT, WRAP, fit_row_height, print_on_a4, style_header
from ..workbook_text import put_text
from .model import INDEX_HTML, MANIFEST_NAME, REGISTER_EXTRACT, MissingItem
from .plan import _planned, _PlannedLog, _Spool
from .scope import BundleScope
from .xlsxstream import _Cell, _Link, _StreamedSheet, _write_streamed_xlsx


def _sheet(wb: Workbook, title: str, header: list[str], widths: list[int], *, print_title: str,
           created: dt.date) -> Any:  # fmt: skip
    ws = wb.active
    ws.title = title
    for column, (text, width) in enumerate(zip(header, widths, strict=True), start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
        style_header(put_text(ws, 1, column, text))
    ws.row_dimensions[1].height = 30
    ws.freeze_panes = "A2"
    print_on_a4(ws, print_title, run_date=created)
    return ws


def _put_row(ws: Any, row: int, values: tuple[object, ...]) -> None:
    cells = []
    for column, value in enumerate(values, start=1):
        # security: names and evidence are untrusted: put_text keeps "=HYPERLINK(...)" text and drops control characters
        cell = put_text(ws, row, column, value)
        # wrapped in its column: text running over the next cells would widen the printed page to unreadable
        cell.alignment = WRAP
        if isinstance(value, dt.date):
            cell.number_format = DATE_FORMAT  # a real Excel date, shown the UK way
        cells.append(cell)
    fit_row_height(ws, cells)


def _uk(day: dt.date | None) -> str:
    # UK dates in tables, as people write them: 04/12/2026
    return f"{day:%d/%m/%Y}" if day else ""


def _framework_text(log: _PlannedLog) -> tuple[str, str]:
    # the names the framework gives itself and its levels; the ids only when the framework is not installed
    return log.framework_name or log.framework, log.level_name or log.level


def _ready_cell(log: _PlannedLog) -> str:
    return "Yes" if log.ready else "Cannot judge yet" if log.cannot_judge else "No"


def _verdict_text(log: _PlannedLog) -> str:
    if log.ready:
        return "Ready for sign-off"
    state = "Cannot judge yet" if log.cannot_judge else "Not ready"
    reasons = [reason.strip().rstrip(".") for reason in log.reasons if reason.strip()]
    # each reason is a sentence: joined as one, "Not ready: the log has no ...; evidence row 3 has no date."
    return f"{state}: {'; '.join(reasons)}." if reasons else f"{state}."


def _write_register_extract(out: IO[bytes], plan: _Spool, created: dt.date) -> None:
    # per person only the offset of their latest log (as latest_by_person orders: period start, then review date)
    latest: dict[str, tuple[tuple[dt.date, dt.date], int, int]] = {}
    for offset, line in plan:
        log = _PlannedLog.model_validate_json(line)
        order = (log.period_start or dt.date.min, log.reviewed_on)
        current = latest.get(log.staff_key)
        if current is None:
            latest[log.staff_key] = (order, offset, 1)
        else:
            latest[log.staff_key] = (order, offset, current[2] + 1) if order >= current[0] else (
                current[0], current[1], current[2] + 1)
    # a normal workbook (one row a person is small): rows get the height their wrapped text needs
    wb = Workbook()
    ws = _sheet(wb, "Register extract",
                ["Staff ID", "Name", "Setting", "Role", "Framework", "Level", "Period start", "Period end",
                 "Last review", "Ready for sign-off", "Sign-off outcome", "Signed off by", "Logs in bundle",
                 "Verdict"],
                [12, 28, 30, 22, 40, 12, 12, 12, 12, 12, 22, 22, 10, 60],
                print_title="Evidence bundle: register extract", created=created)
    row = 1
    for key in sorted(latest, key=str.casefold):
        _, offset, count = latest[key]
        log = _PlannedLog.model_validate_json(plan.read_at(offset))
        row += 1
        _put_row(ws, row, (
            log.staff_id, log.name, log.setting, log.role, *_framework_text(log), log.period_start,
            log.period_end, log.reviewed_on, _ready_cell(log), log.outcome, log.manager, count,
            _verdict_text(log)))
    ws.auto_filter.ref = f"A1:N{max(row, 2)}"
    wb.save(out)


def _index_rows(plan: _Spool, files: _Spool) -> Iterator[list[_Cell]]:
    """One row per file and per missing item; the plan and the file list are read side by side."""
    written = iter(files)
    for log in _planned(plan):
        period = f"{_uk(log.period_start)} to {_uk(log.period_end)}" if log.period_start or log.period_end else ""
        head: list[_Cell] = [log.staff_id, log.name, log.setting, log.log_id, period, log.reviewed_on]
        for item in log.items:
            path, sha, size = json.loads(next(written)[1])
            if path != item.member:  # cannot happen: items are copied in plan order
                raise RuntimeError(f"bundle index out of step at {path}")
            yield [*head, item.label, _Link(item.member, item.member), sha, size, None]
        for gone in log.missing:
            yield [*head, gone.item, gone.file, None, None, gone.reason]


def _write_index_xlsx(out: IO[bytes], plan: _Spool, files: _Spool, created: dt.date) -> None:
    index = _StreamedSheet(
        "Index", ("Staff ID", "Name", "Setting", "Log ID", "Period", "Reviewed on", "Item", "File", "SHA-256",
                  "Size (bytes)", "Missing because"),
        (10, 18, 18, 22, 22, 11, 22, 46, 22, 10, 28), lambda: _index_rows(plan, files),  # wrapped: A4 wide
        print_title=f"Evidence bundle: index · {long_date(created)}")
    extra = _StreamedSheet("Bundle files", ("Item", "File"), (34, 26), lambda: [
        ["Register extract", _Link(REGISTER_EXTRACT, REGISTER_EXTRACT)],
        ["Index (open in a browser)", _Link(INDEX_HTML, INDEX_HTML)],
        ["Manifest: SHA-256 of every file", _Link(MANIFEST_NAME, MANIFEST_NAME)]],
        print_title=f"Evidence bundle: its files · {long_date(created)}")
    _write_streamed_xlsx(out, [index, extra])


_INDEX_TEMPLATE = """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Safeguarding competency evidence bundle</title>
<style>
body { font-family: Arial, Helvetica, sans-serif; margin: 1.5em; color: #1b1b1b; line-height: 1.4; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.5em; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #b8c4c3; padding: .3em .5em; text-align: left; vertical-align: top; }
th { background: #1f5f5b; color: #fff; }
tbody tr:nth-child(even) td { background: #f2f6f6; }
ul { margin: 0; padding-left: 1.1em; }
.missing { color: #9b1c1c; }
.no { color: #9b1c1c; font-weight: bold; } .yes { color: #1e6b2f; font-weight: bold; }
.meta td:first-child { font-weight: bold; width: 12em; }
code { font-size: .9em; }
@media print { a { color: inherit; text-decoration: none; } }
/* a phone: each reviewed log a card of labelled lines, not nine columns wider than the screen */
@media screen and (max-width: 40em) {
  body { margin: .8em; }
  table.logs thead { display: none; }
  table.logs, table.logs tbody, table.logs tr, table.logs td { display: block; width: auto; }
  table.logs tr { border: 1px solid #b8c4c3; margin-bottom: 1em; }
  table.logs td { border: none; border-bottom: 1px solid #e0e7e6; }
  table.logs td::before { content: attr(data-label); display: block; font-weight: bold; color: #1f5f5b; }
  .meta td:first-child { width: 6em; }
}
</style>
</head>
<body>
<h1>Safeguarding competency evidence bundle</h1>
<table class="meta">
<tr><td>Scope</td><td>{{ scope }}</td></tr>
<tr><td>Created</td><td>{{ created }}</td></tr>
<tr><td>Contents</td><td>{{ contents }}</td></tr>
<tr><td>Made by</td><td>sglogs {{ version }}</td></tr>
</table>
<p>Extract the whole zip file first (in Windows: right-click it, <em>Extract All</em>), then open this page: each
link opens a file of the bundle. The same list is in <a href="index.xlsx">index.xlsx</a>; the latest review of
each person is in <a href="register-extract.xlsx">register-extract.xlsx</a>.</p>
<p><strong>Is this bundle genuine?</strong> <a href="manifest.json">manifest.json</a> lists a fingerprint of every
file. To be sure nothing was changed after the bundle was made, ask the organisation that sent it for its public
checking key or for the bundle's fingerprint (a 64-character code they give you separately, for example by phone
or letter), and check the zip file with them as the sglogs guide describes under &ldquo;For auditors&rdquo;. The
fingerprint of one file can be read by hand with <code>certutil -hashfile FILE SHA256</code> (Windows) and
compared with manifest.json.</p>
{% if missing %}
<h2>Missing items</h2>
<ul>
{% for gone in missing %}<li class="missing">{{ gone.staff_id or "(no staff id)" }}, log {{ gone.log_id }}:
{{ gone.item }} ({{ gone.file }}) &ndash; {{ gone.reason }}</li>
{% endfor %}</ul>
{% endif %}
<h2>Reviewed logs</h2>
<table class="logs">
<thead><tr><th>Staff ID</th><th>Name</th><th>Setting</th><th>Framework, level</th><th>Period</th><th>Reviewed</th>
<th>Verdict</th><th>Sign-off</th><th>Files</th></tr></thead>
<tbody>
{% for log in logs %}<tr id="log-{{ loop.index }}">
<td data-label="Staff ID">{{ log.staff_id }}</td><td data-label="Name">{{ log.name }}</td>
<td data-label="Setting">{{ log.setting }}</td>
<td data-label="Framework, level">{{ log.framework_name or log.framework }}
{%- if log.level_name %}, {{ log.level_name }}{% elif log.level %}, level {{ log.level }}{% endif %}</td>
<td data-label="Period">{{ uk(log.period_start) }}
{%- if log.period_start or log.period_end %} to {% endif %}{{ uk(log.period_end) }}</td>
<td data-label="Reviewed">{{ uk(log.reviewed_on) }}</td>
<td data-label="Verdict">{% if log.ready %}<span class="yes">Ready for sign-off</span>{% else %}<span class="no">
{%- if log.cannot_judge %}Cannot judge yet{% else %}Not ready{% endif %}</span>
{%- if log.reasons %}<ul>{% for reason in log.reasons %}<li>{{ reason }}</li>{% endfor %}</ul>{% endif %}
{%- endif %}</td>
<td data-label="Sign-off">{{ log.outcome }}{% if log.manager %} ({{ log.manager }}){% endif %}</td>
<td data-label="Files"><ul>
{% for item in log.items %}<li><a href="{{ href(item.member) }}">{{ item.label }}</a></li>
{% endfor %}{% for gone in log.missing %}<li class="missing">{{ gone.item }}: missing</li>
{% endfor %}</ul></td>
</tr>
{% endfor %}</tbody>
</table>
</body>
</html>
"""


def _write_index_html(out: IO[bytes], plan: _Spool, *, scope: BundleScope, created: str, people: int,
                      log_count: int, file_count: int, missing: list[MissingItem]) -> None:
    # autoescape: names, settings and outcomes are typed by people and may hold "<script>"
    env = Environment(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True)
    template = env.from_string(_INDEX_TEMPLATE)
    created_text = long_datetime(dt.datetime.fromisoformat(created))
    contents = ", ".join([count(people, "person", "people"), count(log_count, "reviewed log"),
                          count(file_count, "file"), *([count(len(missing), "item") + " missing"] if missing else [])])
    for chunk in template.generate(scope=scope.describe(), created=created_text, contents=contents,
                                   logs=_planned(plan), missing=missing, version=__version__,
                                   uk=_uk, href=lambda member: quote(member, safe="/")):
        out.write(chunk.encode("utf-8"))

