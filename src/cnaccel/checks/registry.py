"""The registry of the data model's rules: one stable code per rule, its family and what it says.

Every problem the validator reports carries one of these codes (``validate --format json`` shows
it), so users can filter by rule and tests can assert it. ``tests/test_rules.py`` breaks every
registered rule on a copy of the package and asserts the code, file, row and column; a rule
added here without such a test fails the suite.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    code: str
    family: str
    summary: str


def _rules(family: str, items: dict[str, str]) -> dict[str, Rule]:
    return {code: Rule(code, family, summary) for code, summary in items.items()}


RULES: dict[str, Rule] = {
    **_rules("schema", {
        "schema-type-error": "a cell of the wrong type for its field",
        "schema-constraint-error": "a cell that breaks its field's constraint (required, enum, pattern, range)",
        "schema-foreign-key": "a reference to a row that does not exist",
        "schema-unique-error": "a value repeated in a field that must be unique",
        "schema-descriptor": "a descriptor that frictionless cannot use",
    }),
    **_rules("provenance", {
        "figure-on-relation": "a relation with a figure",
        "figure-missing": "a stated fact without its figure",
        "figure-not-figure": "a figure that is a sentence or longer than 48 characters",
        "figure-no-number": "a fact's figure without a number",
        "figure-not-date": "an event's figure that is no date",
        "figure-date-mismatch": "an event's printed date that disagrees with its date",
        "corroboration-same-lineage": "corroboration resting only on the same lineage",
        "archive-unreadable": "an archived text that is not UTF-8",
        "text-hash-mismatch": "an archived text that differs from the recorded one",
        "passage-mismatch": "a passage whose fingerprint is not at its offset",
        "passage-simhash-mismatch": "a similarity hash that is not the passage's",
        "figure-not-in-passage": "a figure that does not stand in its passage",
        "copied-text": "our own words that repeat the source's",
    }),
    **_rules("figures", {
        "figure-several-numbers": "a figure holding several numbers",
        "figure-mismatch": "a value the figure does not give",
        "figure-sign": "a value with the wrong sign for the figure's words",
        "figure-mismatch-max": "an upper end the figure does not give",
        "figure-qualifier": "a qualifier the figure's words do not give",
        "figure-unit": "a unit that disagrees with the figure's currency or counting word",
    }),
    **_rules("consistency", {
        "range-max-mismatch": "a range without value_max, or value_max without a range",
        "value-max-not-above": "an upper end not above the value",
        "negative-value": "a negative value for a metric that cannot be negative",
        "percent-over-100": "a percentage over 100 for a metric that does not allow it",
        "period-order": "a period that ends before it starts",
        "period-dates": "period dates that do not match the period",
        "period-missing": "period dates without a period",
        "future-claim": "a reported claim about a time after its source was published",
        "market-missing": "a share or market size without its market and cut",
        "market-on-other-metric": "a market or cut on a metric that is no share or size",
        "market-not-market": "a market_id that is not an entity of type market",
        "shares-over-100": "shares of one market, cut and period of one source summing over 100",
        "self-reference": "a claim naming itself",
        "unknown-reference": "a claim id that does not exist",
        "note-missing": "an assessment without its note",
        "evidence-missing": "a corroborated or disputed claim without evidence",
        "derived-from-missing": "a derived fact that names no inputs",
        "derivation-stated": "a stated fact that names inputs",
        "superseded-without-successor": "a superseded claim that no claim supersedes",
        "successor-not-superseded": "a claim superseded by another but not marked so",
        "unused-row": "an entity, product, metric, unit or source used by no claim",
    }),
    **_rules("history", {
        "history-claim-removed": "a claim of the last release that is gone",
        "history-claim-changed": "a released claim's value, figure, period or source changed in place",
        "history-columns-changed": "columns changed without a new major version",
    }),
    **_rules("hygiene", {
        "text-spaces": "text with leading or trailing spaces",
        "text-formula": "text a spreadsheet would run as a formula",
        "text-control": "text with a control character",
        "text-invisible": "text with an invisible formatting character",
        "text-not-nfc": "text that is not NFC-normalised",
    }),
}  # fmt: skip
