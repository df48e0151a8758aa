"""Every registered rule, broken once: the validator reports its code at the file, row and column.

``BREAKS`` maps each code of :data:`cnaccel.checks.registry.RULES` to a function that breaks the
rule on a package of a few rows held in memory (``mini``: the first claims of the seed article and
what they use) and returns where the problem must be reported. A rule in the registry without an
entry here fails ``test_every_rule_has_a_break``.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from cnaccel.checks import validate
from cnaccel.checks.registry import RULES

SEED = "36kr-2025-12-domestic-gpu-race"
FACTS, EVENTS, RELATIONS, SOURCES = "data/facts.csv", "data/events.csv", "data/relations.csv", "data/sources.csv"
Where = tuple[str, int | None, str | None]


def fact(pkg, key: str, column: str, value: str) -> Where:
    return FACTS, pkg.edit("facts", key, column, value), column


def _archive_edit(pkg, old: str, new: str) -> None:
    pkg.texts[SEED] = pkg.texts[SEED].decode("utf-8").replace(old, new, 1).encode("utf-8")


def _unreadable(pkg) -> Where:
    pkg.texts[SEED] = b"\xff\xfe\x00broken"
    return f"archive/{SEED}.txt", None, None


def _text_changed(pkg) -> Where:
    pkg.texts[SEED] += b"\nappended"
    return SOURCES, pkg.line_of("sources", SEED), "text_sha256"


def _passage(pkg) -> Where:
    _archive_edit(pkg, "全部收入為171億", "全部收入为171億")
    return FACTS, pkg.line_of("facts", "F0001"), "passage_sha256"


def _same_lineage(pkg) -> Where:
    pkg.edit("facts", "F0002", "assessment", "corroborated")
    return FACTS, pkg.edit("facts", "F0002", "evidence_ids", "F0001"), "evidence_ids"


def _several(pkg) -> Where:
    return fact(pkg, "F0001", "figure", "171億美元 55%")


def _event_date(pkg) -> Where:
    row = next(r for r in pkg.rows("events")[1] if r["figure"] and r["date"] and len(r["date"]) == 10)
    other = row["date"][:8] + ("02" if row["date"][8:] != "02" else "03")
    return EVENTS, pkg.edit("events", row["event_id"], "date", other), "figure"


def _negative(pkg) -> Where:
    pkg.edit("facts", "F0011", "figure", "-100家")
    return fact(pkg, "F0011", "value", "-100")


def _share_sum(pkg) -> Where:
    row = pkg.row("facts", "F0004")
    row.update(fact_id="F0900", entity_id="huawei", value="40", figure="40%")
    return FACTS, pkg.append("facts", row), "value"


def _superseded_alone(pkg) -> Where:
    pkg.edit("facts", "F0002", "assessment", "superseded")
    return FACTS, pkg.edit("facts", "F0002", "assessment_note", "Replaced."), "assessment"


def _successor(pkg) -> Where:
    pkg.edit("facts", "F0003", "supersedes", "F0002")
    return FACTS, pkg.line_of("facts", "F0002"), "assessment"


def _unused(pkg) -> Where:
    return "data/units.csv", pkg.append("units", {"unit_id": "EUR", "name_en": "euro", "kind": "currency"}), "unit_id"


def _descriptor(pkg) -> Where:
    pkg.descriptor["resources"][3]["schema"]["fields"][0]["type"] = "no-such-type"
    return "datapackage.json", None, None


def _duplicate(pkg) -> Where:
    return FACTS, pkg.append("facts", pkg.row("facts", "F0002")), "fact_id"


def _removed(pkg) -> Where:
    header, rows = pkg.rows("facts")
    pkg.write("facts", header, [r for r in rows if r["fact_id"] != "F0002"])
    return FACTS, None, "fact_id"


def _columns(pkg) -> Where:
    facts = next(r for r in pkg.descriptor["resources"] if r["name"] == "facts")
    facts["schema"]["fields"].append({"name": "remark", "type": "string", "description": "A new column."})
    header, rows = pkg.rows("facts")
    pkg.write("facts", header, rows)
    return FACTS, 1, None


def _weighed(pkg, key: str, assessment: str, column: str) -> Where:
    """A claim weighed against others (corroborated or disputed) that loses its note or evidence."""
    pkg.edit("facts", key, "assessment", assessment)
    pkg.edit("facts", key, "evidence_ids", "F0003")
    pkg.edit("facts", key, "assessment_note", "Weighed against F0003.")
    return fact(pkg, key, column, "")


BREAKS: dict[str, Callable[..., Where]] = {
    "history-claim-removed": _removed,
    "history-claim-changed": lambda pkg: fact(pkg, "F0001", "value", "17200000000"),
    "history-columns-changed": _columns,
    "schema-type-error": lambda pkg: fact(pkg, "F0003", "value", "lots"),
    "schema-constraint-error": lambda pkg: fact(pkg, "F0003", "qualifier", "roughly"),
    "schema-foreign-key": lambda pkg: fact(pkg, "F0004", "entity_id", "no-such-company"),
    "schema-unique-error": _duplicate,
    "schema-descriptor": _descriptor,
    "figure-on-relation": lambda pkg: (RELATIONS, pkg.edit("relations", "R0001", "figure", "2025年"), "figure"),
    "figure-missing": lambda pkg: fact(pkg, "F0001", "figure", ""),
    "figure-not-figure": lambda pkg: fact(pkg, "F0001", "figure", "收入為171億美元。"),
    "figure-no-number": lambda pkg: fact(pkg, "F0001", "figure", "美元"),
    "figure-not-date": lambda pkg: (EVENTS, pkg.edit("events", "E0022", "figure", "某天"), "figure"),
    "figure-date-mismatch": _event_date,
    "corroboration-same-lineage": _same_lineage,
    "archive-unreadable": _unreadable,
    "text-hash-mismatch": _text_changed,
    "passage-mismatch": _passage,
    "passage-simhash-mismatch": lambda pkg: fact(pkg, "F0001", "passage_simhash", "0" * 16),
    "figure-not-in-passage": lambda pkg: fact(pkg, "F0001", "figure", "171億美金"),
    "copied-text": lambda pkg: fact(pkg, "F0001", "context", pkg.passage("F0001")[5:]),
    "figure-several-numbers": _several,
    "figure-mismatch": lambda pkg: fact(pkg, "F0001", "value", "171000000000"),
    "figure-sign": lambda pkg: (FACTS, pkg.edit("facts", "F0007", "figure", "年減5%"), "value"),
    "figure-mismatch-max": lambda pkg: fact(pkg, "F0015", "value_max", "4"),
    "figure-qualifier": lambda pkg: fact(pkg, "F0003", "qualifier", "exact"),
    "figure-unit": lambda pkg: fact(pkg, "F0001", "unit_id", "CNY"),
    "range-max-mismatch": lambda pkg: fact(pkg, "F0001", "qualifier", "range"),
    "value-max-not-above": lambda pkg: fact(pkg, "F0015", "value_max", "1"),
    "negative-value": _negative,
    "percent-over-100": lambda pkg: fact(pkg, "F0004", "value", "135"),
    "period-order": lambda pkg: (pkg.edit("facts", "F0014", "period_start", "2025-02-01") and None)
    or fact(pkg, "F0014", "period_end", "2025-01-01"),
    "period-dates": lambda pkg: (FACTS, pkg.edit("facts", "F0005", "period_end", "2025-12-31"), "period_start"),
    "period-missing": lambda pkg: (FACTS, pkg.edit("facts", "F0014", "period_start", "2025-01-01"), "period"),
    "future-claim": lambda pkg: (EVENTS, pkg.edit("events", "E0001", "date", "2026-03"), "date"),
    "market-missing": lambda pkg: fact(pkg, "F0004", "market_id", ""),
    "market-on-other-metric": lambda pkg: fact(pkg, "F0001", "basis", "units"),
    "market-not-market": lambda pkg: fact(pkg, "F0004", "market_id", "nvidia"),
    "shares-over-100": _share_sum,
    "self-reference": lambda pkg: fact(pkg, "F0001", "evidence_ids", "F0001"),
    "unknown-reference": lambda pkg: fact(pkg, "F0001", "evidence_ids", "F9999"),
    "note-missing": lambda pkg: _weighed(pkg, "F0004", "disputed", "assessment_note"),
    "evidence-missing": lambda pkg: _weighed(pkg, "F0004", "corroborated", "evidence_ids"),
    "derived-from-missing": lambda pkg: (*fact(pkg, "F0007", "derivation", "derived")[:2], "derived_from"),
    "derivation-stated": lambda pkg: (*fact(pkg, "F0001", "derived_from", "F1060")[:2], "derivation"),
    "superseded-without-successor": _superseded_alone,
    "successor-not-superseded": _successor,
    "unused-row": _unused,
    "text-spaces": lambda pkg: fact(pkg, "F0002", "context", " leading"),
    "text-formula": lambda pkg: fact(pkg, "F0002", "context", "=SUM(A1)"),
    "text-control": lambda pkg: fact(pkg, "F0002", "context", "tab\there"),
    "text-invisible": lambda pkg: fact(pkg, "F0002", "context", "bidi\u202etext"),
    "text-not-nfc": lambda pkg: fact(pkg, "F0002", "context", "Cafe\u0301"),
}


def test_every_rule_has_a_break():
    assert set(BREAKS) == set(RULES), {"untested": sorted(set(RULES) - set(BREAKS)),
                                       "unregistered": sorted(set(BREAKS) - set(RULES))}  # fmt: skip


@pytest.mark.parametrize("code", sorted(RULES))
def test_breaking_a_rule_reports_its_code_where_it_was_broken(mini, code, tmp_path):
    released = mini.save(tmp_path / "released")
    where = BREAKS[code](mini)
    problems, _ = validate(mini.package(), families=[RULES[code].family], against=str(released))
    found = [(p.file, p.row, p.column) for p in problems if p.code == code]
    assert where in found, (code, where, [str(p) for p in problems][:5])


def test_the_few_rows_are_valid_before_they_are_broken(mini, tmp_path):
    problems, coverage = validate(mini.package(), against=str(mini.save(tmp_path / "released")))
    assert problems == [] and coverage.claims_checked == coverage.claims >= 15


def test_the_real_data_reports_only_registered_codes(pkg):
    pkg.edit("facts", "F0001", "value", "171000000000")
    problems, _ = validate(pkg.root)
    assert problems and all(p.code in RULES for p in problems)


def test_a_bundles_statement_column_is_no_change_of_columns(mini, tmp_path):
    """A release bundle carries each claim's rendered statement: comparing with it is no column change."""
    import csv

    released = mini.save(tmp_path / "released")
    path = released / FACTS
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows([[*rows[0], "statement"]] + [[*r, "said"] for r in rows[1:]])
    problems, _ = validate(mini.package(), families=["history"], against=str(released))
    assert problems == []


def test_an_unreadable_release_to_compare_with_is_one_line(mini, capsys):
    from cnaccel.problems import UnusableInput

    with pytest.raises(UnusableInput, match=r"^--against no-such-release: "):
        validate(mini.package(), families=["history"], against="no-such-release")
