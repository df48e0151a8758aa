"""The analyst's API: tables, joined claims, entity lookup, point-in-time views and citations.

Everything here works on the data installed with the package (or, in a checkout, the
repository's data) unless a ``root`` folder is given.
"""

from __future__ import annotations

import difflib
import unicodedata
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import schema
from .periods import known_from
from .typed import read_frame

if TYPE_CHECKING:
    import pandas as pd

CLAIM_TABLES = schema.CLAIM_TABLES
NAME_COLUMNS = ("entity_id", "name_en", "name_zh_hans", "name_zh_hant")


class UnknownNameError(LookupError):
    """A name that matches no entity, table, metric or claim; the message suggests the nearest."""

    def __str__(self) -> str:  # KeyError-style quoting would hide the suggestions
        return str(self.args[0]) if self.args else ""


def package(root: str | Path | None = None, source: str | Path | None = None) -> dict:
    """The package descriptor (datapackage.json) as a dict."""
    root = source if source is not None else root
    return schema.descriptor(root)


def tables(root: str | Path | None = None, source: str | Path | None = None) -> list[str]:
    """The names of the tables, in the descriptor's order, then the derived ``estimates``."""
    root = source if source is not None else root
    names = [res["name"] for res in package(root)["resources"] if res.get("format") != "parquet"]
    return names if "estimates" in names else [*names, "estimates"]


def _check_table(name: str, root) -> None:
    names = tables(root)
    if not isinstance(name, str):
        raise UnknownNameError(f"a table name is text, not {name!r}; the tables are: {', '.join(names)}")
    if name not in names:
        near = difflib.get_close_matches(name, names, n=3)
        hint = f"; did you mean {', '.join(near)}?" if near else ""
        raise UnknownNameError(f"no table {name!r}{hint} The tables are: {', '.join(names)}")


def _as_of_date(as_of: str | date | None) -> date | None:
    if as_of is None:
        return None
    if isinstance(as_of, datetime):
        return as_of.date()
    if isinstance(as_of, date):
        return as_of
    try:
        return date.fromisoformat(str(as_of))
    except ValueError:
        raise ValueError(f"as_of must be a date like 2025-10-01, not {as_of!r}") from None


def _undated_sources(root) -> set[str]:
    sources = read_frame("sources", root)
    return set(sources.loc[sources["published"].isna(), "source_id"].astype(str))


def _say_left_out(as_of: date, count: int, what: str, why: str = "their source prints") -> None:
    """Say once, as a warning, how many rows ``as_of`` left out for want of a publication date."""
    if count:
        import warnings

        warnings.warn(
            f"as_of={as_of.isoformat()}: {count} {what} left out because {why} no publication date",
            UserWarning,
            stacklevel=5,
        )


def _visible_sources(root, as_of: date) -> set[str]:
    sources = read_frame("sources", root)
    return {
        sid
        for sid, pub in zip(sources["source_id"], sources["published"], strict=True)
        if (known := known_from(str(pub))) is not None and known <= as_of
    }


def _claims_as_of(root, as_of: date) -> dict[str, pd.DataFrame]:
    """Every claim table cut to what was published by ``as_of``, with assessments as they stood:
    an assessment resting on a claim published later reverts to ``unverified``."""
    visible_sources = _visible_sources(root, as_of)
    frames = {name: read_frame(name, root) for name in CLAIM_TABLES}
    undated = _undated_sources(root)
    _say_left_out(as_of, sum(int(f["source_id"].isin(undated).sum()) for f in frames.values()), "claims")
    for name, frame in frames.items():
        frames[name] = frame[frame["source_id"].isin(visible_sources)].reset_index(drop=True)
    visible = set()
    for name, key in CLAIM_TABLES.items():
        visible.update(frames[name][key].astype(str))
    successors = set()
    for frame in frames.values():
        for cell in frame["supersedes"].dropna().astype(str):
            successors.update(cell.split("|"))
    for name, key in CLAIM_TABLES.items():
        frame = frames[name]
        revert = []
        for claim_id, assessment, evidence in zip(frame[key], frame["assessment"], frame["evidence_ids"], strict=True):
            needed = set(str(evidence).split("|")) if isinstance(evidence, str) else set()
            later = bool(needed - visible)
            if assessment == "superseded" and claim_id not in successors:
                later = True
            revert.append(later and assessment != "unverified")
        if any(revert):
            mask = frame.index[revert]
            frame.loc[mask, "assessment"] = "unverified"
            frame.loc[mask, "assessment_note"] = f"Assessed on evidence published after {as_of.isoformat()}."
            frame.loc[mask, "evidence_ids"] = None
        frames[name] = frame
    return frames


PARTIAL_DATES = {"sources": ["published"], "events": ["date"], "relations": ["date"]}
GRADES = ["C", "B", "A"]  # ordered: A ranks highest


def _present(frame: pd.DataFrame, name: str, root) -> pd.DataFrame:
    """What the API returns: reliability as an ordered categorical (C < B < A), each partial-date
    column beside a typed ``<column>_date`` (the day where the text gives one, else empty), and
    every column's description in ``attrs["descriptions"]``."""
    import pandas as pd

    frame = frame.copy()
    for column in ("reliability", "source_reliability"):
        if column in frame.columns:
            frame[column] = pd.Categorical(frame[column].astype("object"), categories=GRADES, ordered=True)
    for column in PARTIAL_DATES.get(name, []):
        if column in frame.columns:
            text = frame[column].astype("object")
            full = text.where(text.astype(str).str.fullmatch(r"\d{4}-\d{2}-\d{2}"), None)
            typed = pd.to_datetime(full).astype("datetime64[ms]")
            frame.insert(frame.columns.get_loc(column) + 1, f"{column}_date", typed)
    described = {}
    for res in package(root)["resources"]:
        for field in res["schema"]["fields"]:
            described.setdefault(field["name"], field.get("description", ""))
            described.setdefault(f"source_{field['name']}" if res["name"] == "sources" else field["name"],
                                 field.get("description", ""))  # fmt: skip
    from .statements import STATEMENT_FIELD

    described["statement"] = STATEMENT_FIELD["description"]
    for column in PARTIAL_DATES.get(name, []):
        described[f"{column}_date"] = f"{column} as a date where it gives the day; empty for a month or a year"
    frame.attrs["descriptions"] = {c: described.get(c, "") for c in frame.columns}
    return frame


def load(
    name: str,
    *,
    as_of: str | date | None = None,
    root: str | Path | None = None,
    source: str | Path | None = None,
) -> pd.DataFrame:
    """One table as a typed DataFrame (nullable dtypes, categoricals for enums, dates as dates).

    With ``as_of``, the sources and claims are cut to what had been published by that day (a
    source dated to the month counts from the month's end), and each claim's assessment is
    shown as it stood then.
    """
    root = source if source is not None else root
    _check_table(name, root)
    return _present(_load(name, as_of, root), name, root)


def _load(name: str, as_of, root) -> pd.DataFrame:
    day = _as_of_date(as_of)
    if name == "estimates":
        if day is not None:
            raise ValueError("as_of is not available for estimates: load('facts', as_of=...) gives the claims then")
        from .estimates_table import estimates_frame

        return estimates_frame(root)
    if day is None:
        return read_frame(name, root)
    if name in CLAIM_TABLES:
        return _claims_as_of(root, day)[name]
    frame = read_frame(name, root)
    if name == "sources":
        _say_left_out(day, len(_undated_sources(root)), "sources", "they print")
        return frame[frame["source_id"].isin(_visible_sources(root, day))].reset_index(drop=True)
    return frame


def _fold(text: object) -> str:
    return unicodedata.normalize("NFKC", str(text)).casefold().strip()


def _name_index(entities: pd.DataFrame) -> dict[str, str]:
    index: dict[str, str] = {}
    for row in entities.itertuples(index=False):
        names = [getattr(row, c) for c in NAME_COLUMNS]
        if isinstance(row.aliases, str):
            names += row.aliases.split("|")
        for name in names:
            if isinstance(name, str) and name:
                index.setdefault(_fold(name), row.entity_id)
    return index


def find_entity(name: str, *, root: str | Path | None = None, source: str | Path | None = None) -> str:
    """The entity_id for an id, English name or alias in either script: 寒武纪, 寒武紀 and
    Cambricon all give ``cambricon``. Raises UnknownNameError suggesting the nearest names."""
    root = source if source is not None else root
    entities = read_frame("entities", root)
    index = _name_index(entities)
    key = _fold(str(name))
    if key in index:
        return index[key]
    near = difflib.get_close_matches(key, list(index), n=5, cutoff=0.5)
    near += [n for n in index if key and (key in n or n in key) and n not in near]
    shown = [f"{n} ({index[n]})" for n in near[:5]]
    hint = f"; nearest: {', '.join(shown)}" if shown else "; see cnaccel.load('entities') for the names"
    raise UnknownNameError(f"no entity called {name!r}{hint}")


def entity(name: str, *, root: str | Path | None = None, source: str | Path | None = None) -> dict[str, Any]:
    """The entity row for a name or id, as a dict."""
    root = source if source is not None else root
    entity_id = find_entity(name, root=root)
    entities = read_frame("entities", root)
    row = entities[entities["entity_id"] == entity_id].iloc[0]
    return {k: (None if _is_missing(v) else v) for k, v in row.items()}


def _is_missing(value: Any) -> bool:
    try:
        import pandas as pd

        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _citation_columns(frame: pd.DataFrame, root) -> pd.DataFrame:
    sources = read_frame("sources", root)[
        ["source_id", "title", "publisher", "published", "url", "reliability", "lineage"]
    ]
    sources = sources.rename(columns={c: f"source_{c}" for c in sources.columns if c != "source_id"})
    return frame.merge(sources, on="source_id", how="left")


def _names(frame: pd.DataFrame, column: str, prefix: str, root) -> pd.DataFrame:
    entities = read_frame("entities", root)[["entity_id", "name_en", "name_zh_hans"]]
    entities = entities.rename(
        columns={"entity_id": column, "name_en": f"{prefix}_name", "name_zh_hans": f"{prefix}_name_zh"}
    )
    return frame.merge(entities, on=column, how="left")


def _claims(name: str, root, as_of, include_superseded: bool) -> pd.DataFrame:
    """A claim table with its rendered statements, cut to ``as_of`` and to current claims."""
    import pandas as pd

    from .statements import statements
    from .typed import read_arrow

    day = _as_of_date(as_of)
    frame = _claims_as_of(root, day)[name] if day else read_frame(name, root)
    table = read_arrow(name, root)
    said = dict(zip(table.column(0).to_pylist(), statements(name, table, root), strict=True))
    frame = frame.assign(statement=pd.array([said[i] for i in frame.iloc[:, 0]], dtype=pd.StringDtype("pyarrow")))
    if not include_superseded:
        frame = frame[~frame["assessment"].isin(["superseded", "retracted"])]
    return frame


def _order(frame: pd.DataFrame, first: list[str], name: str = "", root=None) -> pd.DataFrame:
    ordered = frame[[*first, *(c for c in frame.columns if c not in first)]].reset_index(drop=True)
    return _present(ordered, name, root)


def facts(
    entity: str | None = None,
    metric: str | None = None,
    period: str | None = None,
    *,
    as_of: str | date | None = None,
    include_superseded: bool = False,
    root: str | Path | None = None,
    source: str | Path | None = None,
) -> pd.DataFrame:
    """Facts joined with entity names, metric label, unit and the source's citation.

    ``entity``: an id, name or alias in either script. ``metric``: a metric id or English name.
    ``period``: a period as stored (``2025-H1``) or its prefix (``2025`` matches 2025-H1, 2025-Q3).
    Superseded and retracted claims are left out unless ``include_superseded``.
    """
    root = source if source is not None else root
    frame = _claims("facts", root, as_of, include_superseded)
    if entity is not None:
        frame = frame[frame["entity_id"] == find_entity(entity, root=root)]
    if metric is not None:
        frame = frame[frame["metric_id"] == _find_metric(metric, root)]
    if period is not None:
        periods = sorted(set(frame["period"].dropna().astype(str)))
        if not any(p.startswith(str(period)) for p in periods):
            _check_value("period", str(period), periods)
        frame = frame[frame["period"].fillna("").str.startswith(str(period))]
    metrics = read_frame("metrics", root)[["metric_id", "name_en"]].rename(columns={"name_en": "metric_name"})
    units = read_frame("units", root)[["unit_id", "name_en", "symbol"]].rename(
        columns={"name_en": "unit_name", "symbol": "unit_symbol"}
    )
    frame = frame.merge(metrics, on="metric_id", how="left").merge(units, on="unit_id", how="left")
    frame = _citation_columns(_names(frame, "entity_id", "entity", root), root)
    return _order(
        frame,
        [
            "fact_id",
            "entity_id",
            "entity_name",
            "metric_id",
            "metric_name",
            "period",
            "value",
            "value_max",
            "qualifier",
            "unit_id",
            "context",
            "figure",
            "statement",
            "assessment",
        ],
        "facts",
        root,
    )


EVENT_COLUMNS = ["event_id", "entity_id", "entity_name", "event_type", "date", "counterparty_id", "counterparty_name",
                 "description", "figure", "statement", "assessment"]  # fmt: skip
RELATION_COLUMNS = ["relation_id", "subject_id", "subject_name", "relation_type", "object_id", "object_name", "date",
                    "context", "statement", "assessment"]  # fmt: skip


Parties = tuple[tuple[str, str], tuple[str, str]]


def _two_party(table: str, parties: Parties, kind: tuple[str, str | None], entity: str | None, as_of,
               include_superseded: bool, root, first: list[str]) -> pd.DataFrame:  # fmt: skip
    """A claim table between two parties, filtered to an entity on either side and to one kind,
    joined with both parties' names and the source's citation."""
    (col_a, prefix_a), (col_b, prefix_b) = parties
    frame = _claims(table, root, as_of, include_superseded)
    if entity is not None:
        eid = find_entity(entity, root=root)
        frame = frame[(frame[col_a] == eid) | (frame[col_b] == eid)]
    if kind[1] is not None:
        _check_value(kind[0], kind[1], _enum(table, kind[0], root))
        frame = frame[frame[kind[0]] == kind[1]]
    frame = _names(_names(frame, col_a, prefix_a, root), col_b, prefix_b, root)
    return _order(_citation_columns(frame, root), first, table, root)


def events(
    entity: str | None = None,
    event_type: str | None = None,
    *,
    as_of: str | date | None = None,
    include_superseded: bool = False,
    root: str | Path | None = None,
    source: str | Path | None = None,
) -> pd.DataFrame:
    """Events joined with entity and counterparty names and the source's citation; ``entity``
    matches either party."""
    root = source if source is not None else root
    parties = (("entity_id", "entity"), ("counterparty_id", "counterparty"))
    return _two_party("events", parties, ("event_type", event_type), entity, as_of, include_superseded, root,
                      EVENT_COLUMNS)  # fmt: skip


def relations(
    entity: str | None = None,
    relation_type: str | None = None,
    *,
    as_of: str | date | None = None,
    include_superseded: bool = False,
    root: str | Path | None = None,
    source: str | Path | None = None,
) -> pd.DataFrame:
    """Relations joined with both parties' names and the source's citation; ``entity`` matches
    either party."""
    root = source if source is not None else root
    parties = (("subject_id", "subject"), ("object_id", "object"))
    return _two_party("relations", parties, ("relation_type", relation_type), entity, as_of, include_superseded,
                      root, RELATION_COLUMNS)  # fmt: skip


def _enum(table: str, column: str, root) -> list[str]:
    res = schema.resource(package(root), table)
    return next(schema.enum_of(f) or [] for f in schema.fields(res) if f["name"] == column)


def _check_value(column: str, value: str, known: list[str]) -> None:
    """A filter value must be one the data knows; else UnknownNameError with the nearest."""
    if value in known:
        return
    near = difflib.get_close_matches(str(value), known, n=3, cutoff=0.3) or [k for k in known if str(value) in k][:3]
    hint = f"; nearest: {', '.join(near)}" if near else f"; known: {', '.join(known)}"
    raise UnknownNameError(f"no {column} {value!r}{hint}")


def _find_metric(metric: str, root) -> str:
    metrics = read_frame("metrics", root)
    by_name = {_fold(str(n)): i for i, n in zip(metrics["metric_id"], metrics["name_en"], strict=True)}
    by_name.update({_fold(str(i)): i for i in metrics["metric_id"]})
    key = _fold(metric)
    if key in by_name:
        return by_name[key]
    near = difflib.get_close_matches(key, list(by_name), n=3, cutoff=0.5)
    hint = f"; nearest: {', '.join(by_name[n] for n in near)}" if near else ""
    raise UnknownNameError(f"no metric called {metric!r}{hint}")
