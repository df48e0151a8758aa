"""Datasette plugin of ``cnaccel serve``: a value shown with its unit, a source's address as a link.

The unit of a fact varies by row, so it is shown beside the value in the cell, never in the
column header; every ``url`` or ``source_url`` cell is a link to the source's page.
"""

from __future__ import annotations

from datasette import hookimpl
from markupsafe import Markup, escape

VALUE_COLUMNS = {"value", "value_max", "low", "high"}
LINK_COLUMNS = {"url", "source_url"}


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.6g}"


@hookimpl
def render_cell(row, value, column, table):
    if column in VALUE_COLUMNS and isinstance(value, int | float) and "unit_id" in row.keys():  # noqa: SIM118 (a sqlite3.Row's `in` looks at values)
        unit = row["unit_id"]
        return Markup(f'{escape(_number(value))} <span class="cnaccel-unit">{escape(unit or "")}</span>')
    if column in LINK_COLUMNS and isinstance(value, str) and value.startswith(("http://", "https://")):
        return Markup(f'<a href="{escape(value)}" rel="nofollow noopener">{escape(value)}</a>')
    return None
