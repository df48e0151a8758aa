"""Choosing one figure per slot: where several rows give the same figure one is drawn, by a fixed
rule; where rows give different figures for the same thing, the preferred one is the bar and the
others are markers."""

from __future__ import annotations

from typing import Any

from ..estimates_table import AGREE, CLAIM_RANK, GRADE_RANK
from ..periods import known_from

SAME_FIGURE = AGREE  # rows within 1% of each other give the same figure (rounding), as in the estimates
PICK_RULE = (
    "The bar is the figure the estimates table chooses (docs/methodology.md): a claim not disputed first, then "
    "reported or disclosed before estimate or forecast, then the more reliable source (A > B > C), then the figure "
    "more independent lineages give, then the later publication. Other figures sources give for the same thing "
    "are markers."
)


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if a == b:
        return True
    return abs(a - b) <= SAME_FIGURE * max(abs(a), abs(b))


def _published(row: dict[str, Any]) -> int:
    known = known_from(str(row.get("source_published") or ""))
    return -known.toordinal() if known else 0


def _rank(row: dict[str, Any]) -> tuple:
    """The estimates' order within one figure: not disputed, claim type, reliability, later, id."""
    return (
        row["assessment"] == "disputed",
        CLAIM_RANK.get(row["claim_type"], 9),
        GRADE_RANK.get(str(row["source_reliability"]), 9),
        _published(row),
        row["fact_id"],
    )


def _cluster_key(cluster: list[dict[str, Any]]) -> tuple:
    """Figures in drawing order, as the estimates choose: by their best row's disputed, claim-type
    and reliability rank, then the figure more independent lineages give, then the best row."""
    best = _rank(min(cluster, key=_rank))
    lineages = len({r.get("source_lineage") or r["source_id"] for r in cluster})
    return (*best[:3], -lineages, best)


# Underscored as it is no public API; ``cnaccel.charts._pick`` still reaches it (for the tests).
def _pick(rows: list[dict[str, Any]], slot: tuple[str, ...]) -> list[dict[str, Any]]:
    """For each slot (rows alike in the ``slot`` keys), the drawn row and the alternatives.

    Rows whose numbers agree (within rounding) give one figure, drawn once by :func:`_rank`;
    the figure whose best row ranks first is ``drawn``, other figures are ``alternative``.
    """
    groups: dict[tuple, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(str(row[k]) for k in slot), []).append(row)
    out = []
    for key in sorted(groups):
        members = sorted(groups[key], key=lambda r: (r["value"], r["value_max"] or -1.0, r["fact_id"]))
        clusters: list[list[dict[str, Any]]] = []
        for row in members:
            for cluster in clusters:
                if _close(row["value"], cluster[0]["value"]) and _close(row["value_max"], cluster[0]["value_max"]):
                    cluster.append(row)
                    break
            else:
                clusters.append([row])
        for index, cluster in enumerate(sorted(clusters, key=_cluster_key)):
            best = min(cluster, key=_rank)
            same = sorted(r["fact_id"] for r in cluster if r is not best)
            out.append(
                {
                    **best,
                    "role": "drawn" if index == 0 else "alternative",
                    "same_figure": "|".join(same),
                    "same_sources": "|".join(sorted({r["source_id"] for r in cluster})),
                }
            )
    return out
