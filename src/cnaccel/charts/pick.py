"""Choosing one figure per slot: where several rows give the same figure one is drawn, by a fixed
rule; where rows give different figures for the same thing, the preferred one is the bar and the
others are markers."""

from __future__ import annotations

from typing import Any

RELIABILITY = {"A": 0, "B": 1, "C": 2}
ASSESSMENT = {"corroborated": 0, "unverified": 1, "disputed": 2}
CLAIM = {"disclosed": 0, "reported": 0, "estimate": 1, "opinion": 1, "forecast": 2, "plan": 3, "rumor": 4}
SAME_FIGURE = 0.005  # rows whose numbers differ by at most 0.5 % give the same figure (rounding)
PICK_RULE = (
    "Where several rows give the same figure one is drawn: a row not disputed first, then the more reliable "
    "source (A > B > C), then corroborated before unverified, then reported before estimate or forecast. Where "
    "sources give different figures for the same thing, the figure with the best such row is the bar and the "
    "others are markers."
)


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if a == b:
        return True
    return abs(a - b) <= SAME_FIGURE * max(abs(a), abs(b))


def _rank(row: dict[str, Any]) -> tuple:
    return (
        row["assessment"] == "disputed",
        RELIABILITY.get(row["source_reliability"], 9),
        ASSESSMENT.get(row["assessment"], 9),
        CLAIM.get(row["claim_type"], 9),
        row["qualifier"] != "exact",
        row["fact_id"],
    )


def _cluster_key(cluster: list[dict[str, Any]]) -> tuple:
    """Figures in drawing order: by their best row's rank (disputed, reliability, assessment,
    claim), then the figure more rows give, then the best row's full rank."""
    best = _rank(min(cluster, key=_rank))
    return (*best[:4], -len(cluster), best)


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
