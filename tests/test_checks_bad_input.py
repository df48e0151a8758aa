"""Every check fires on a crafted broken copy of the package, naming file, row, column and message."""

from __future__ import annotations

import hashlib

import pytest

from cnaccel.checks import run_checks
from cnaccel.problems import Problem, UnusableInput


def problems_at(pkg, file: str, row: int | None, column: str | None) -> list[Problem]:
    return [p for p in run_checks(pkg.root) if (p.file, p.row, p.column) == (file, row, column)]


def only_message(pkg, file, row, column) -> str:
    found = problems_at(pkg, file, row, column)
    assert len(found) == 1, found
    return found[0].message


def test_real_package_copy_is_clean(pkg):
    assert run_checks(pkg.root) == []


def test_wrong_type(pkg):
    line = pkg.edit("facts", "F0003", "value", "lots")
    message = only_message(pkg, "data/facts.csv", line, "value")
    assert message == 'wrong type: "lots" (type is "number/default")'


def test_duplicate_key(pkg):
    row = pkg.row("facts", "F0002")
    line = pkg.append("facts", row)
    found = problems_at(pkg, "data/facts.csv", line, "fact_id")
    assert [p.message for p in found] == ['duplicate value: "F0002" (the same as in the row at position 3)']


def test_dangling_foreign_key(pkg):
    line = pkg.edit("facts", "F0004", "entity_id", "no-such-company")
    found = problems_at(pkg, "data/facts.csv", line, "entity_id")
    assert len(found) == 1
    assert found[0].message.startswith('dangling foreign key: "no-such-company" (for "entity_id"')


def test_dangling_parent(pkg):
    line = pkg.edit("entities", "kunlunxin", "parent_id", "nobody")
    found = problems_at(pkg, "data/entities.csv", line, "parent_id")
    assert found and '"nobody"' in found[0].message


def test_quote_not_in_archive(pkg):
    line = pkg.edit("facts", "F0001", "quote", "2024年,英偉達在中國市場的全部收入為172億美元")
    message = only_message(pkg, "data/facts.csv", line, "quote")
    assert message == "not found verbatim in sources/36kr-2025-12-domestic-gpu-race.txt"


def test_quote_differing_in_width_gets_a_pointed_hint(pkg):
    line = pkg.edit("facts", "F0001", "quote", "2024年，英偉達在中國市場的全部收入為171億美元")
    found = problems_at(pkg, "data/facts.csv", line, "quote")
    assert len(found) == 1 and "spaces or character width" in found[0].hint


def test_archive_edited_after_hashing(pkg):
    path = pkg.root / "sources" / "36kr-2025-12-domestic-gpu-race.txt"
    path.write_bytes(path.read_bytes() + b"\n")
    line = pkg.line_of("sources", "36kr-2025-12-domestic-gpu-race")
    message = only_message(pkg, "data/sources.csv", line, "archive_sha256")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert message.startswith(f"sources/36kr-2025-12-domestic-gpu-race.txt has SHA-256 {digest[:12]}")


def test_missing_archive_and_orphan_archive(pkg):
    path = pkg.root / "sources" / "36kr-2025-12-domestic-gpu-race.txt"
    path.rename(path.with_name("stray.txt"))
    line = pkg.line_of("sources", "36kr-2025-12-domestic-gpu-race")
    assert only_message(pkg, "data/sources.csv", line, "source_id") == (
        "no archived text at sources/36kr-2025-12-domestic-gpu-race.txt"
    )
    assert only_message(pkg, "sources/stray.txt", None, None) == "archived text has no row in the sources table"


def test_value_ten_times_too_large(pkg):
    line = pkg.edit("facts", "F0001", "value", "171000000000")
    assert only_message(pkg, "data/facts.csv", line, "value") == "1.71e11 does not match 171億 in the quote (1.71e10)"
    problem = problems_at(pkg, "data/facts.csv", line, "value")[0]
    assert str(problem).startswith("data/facts.csv:2:value: 1.71e11 does not match 171億 in the quote (1.71e10)")


def test_lower_bound_stored_as_exact(pkg):
    line = pkg.edit("facts", "F0003", "qualifier", "exact")
    assert (
        only_message(pkg, "data/facts.csv", line, "qualifier") == "exact does not match 超過 in the quote (lower_bound)"
    )


def test_approx_stored_as_exact(pkg):
    line = pkg.edit("facts", "F0006", "qualifier", "exact")
    assert only_message(pkg, "data/facts.csv", line, "qualifier") == "exact does not match 約 in the quote (approx)"


def test_range_upper_end_wrong(pkg):
    line = pkg.edit("facts", "F0015", "value_max", "4")
    assert only_message(pkg, "data/facts.csv", line, "value_max") == "4 does not match the quote's 兩到三 (upper end 3)"


def test_number_not_in_quote_must_be_derived(pkg):
    line = pkg.edit("facts", "F0001", "quote", "英偉達在中國市場的全部收入")
    found = problems_at(pkg, "data/facts.csv", line, "value")
    assert [p.message for p in found] == ["1.71e10 is not written in the quote"]
    assert "derivation" in found[0].hint


def test_derived_fact_needs_its_rows(pkg):
    line = pkg.edit("facts", "F0007", "derivation", "derived")
    assert only_message(pkg, "data/facts.csv", line, "derived_from") == "empty, but the fact is derived"


def test_share_of_135_percent(pkg):
    line = pkg.edit("facts", "F0004", "value", "135")
    found = problems_at(pkg, "data/facts.csv", line, "value")
    messages = [p.message for p in found]
    assert "135 percent is more than 100, and metric market_share does not allow it" in messages


def test_shares_of_one_market_sum_to_at_most_100(pkg):
    row = pkg.row("facts", "F0004")
    row.update(fact_id="F0900", entity_id="huawei", value="40", quote="英偉達占70%份額")
    pkg.append("facts", row)
    line = pkg.line_of("facts", "F0900")
    found = problems_at(pkg, "data/facts.csv", line, "value")
    assert any(
        p.message.startswith("market shares with the same source, period and context sum to 110 percent") for p in found
    ), found


def test_negative_value_where_metric_forbids_it(pkg):
    line = pkg.edit("facts", "F0011", "value", "-100")
    messages = [p.message for p in problems_at(pkg, "data/facts.csv", line, "value")]
    assert "-100 is negative, and metric customer_count may not be" in messages


def test_non_nfc_name(pkg):
    decomposed = "Cafe\u0301"
    line = pkg.edit("entities", "vivo", "name_en", decomposed)
    assert only_message(pkg, "data/entities.csv", line, "name_en") == (
        "text is not NFC-normalised; store unicodedata.normalize('NFC', text)"
    )


def test_cell_starting_with_equals(pkg):
    line = pkg.edit("facts", "F0001", "context", '=HYPERLINK("x")')
    assert only_message(pkg, "data/facts.csv", line, "context") == (
        "text starts with '=', which a spreadsheet would run as a formula; reword the cell"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (" leading", "text has leading or trailing spaces; trim them"),
        ("bidi\u202etext", "text contains the invisible formatting character U+202E; remove it"),
        ("tab\there", "text contains the control character U+0009; remove it"),
    ],
)
def test_hygiene(pkg, text, expected):
    line = pkg.edit("facts", "F0002", "context", text)
    assert only_message(pkg, "data/facts.csv", line, "context") == expected


def test_period_dates_must_match_period(pkg):
    line = pkg.edit("facts", "F0005", "period_end", "2025-12-31")
    assert only_message(pkg, "data/facts.csv", line, "period_start") == (
        "2025-01-01..2025-12-31 does not match period 2025-H1 (2025-01-01..2025-06-30)"
    )


def test_period_start_after_end(pkg):
    pkg.edit("facts", "F0014", "period_start", "2025-02-01")
    line = pkg.edit("facts", "F0014", "period_end", "2025-01-01")
    assert "2025-01-01 is before period_start 2025-02-01" in [
        p.message for p in problems_at(pkg, "data/facts.csv", line, "period_end")
    ]


def test_reported_claim_about_the_future(pkg):
    line = pkg.edit("events", "E0001", "date", "2026-03")
    assert only_message(pkg, "data/events.csv", line, "date") == (
        "begins 2026-03-01, after its source was published (2025-12-31), but the claim is reported"
    )


def test_plans_may_speak_of_the_future(pkg):
    row = pkg.row("events", "E0009")
    assert row["date"] == "2026-Q1" and row["claim_type"] == "plan"
    assert run_checks(pkg.root) == []


def test_evidence_must_name_real_claims(pkg):
    pkg.edit("facts", "F0012", "assessment", "corroborated")
    pkg.edit("facts", "F0012", "assessment_note", "")
    line = pkg.edit("facts", "F0012", "evidence_ids", "F9999")
    found = problems_at(pkg, "data/facts.csv", line, "evidence_ids")
    assert [p.message for p in found] == ["F9999 is not a claim id in facts, events or relations"]
    assert only_message(pkg, "data/facts.csv", line, "assessment_note") == "empty, but the claim is corroborated"


def test_superseded_needs_a_successor(pkg):
    pkg.edit("facts", "F0002", "assessment", "superseded")
    line = pkg.edit("facts", "F0002", "assessment_note", "Replaced.")
    assert only_message(pkg, "data/facts.csv", line, "assessment") == (
        "superseded, but no claim names it in supersedes"
    )


def test_unused_reference_rows(pkg):
    line = pkg.append("units", {"unit_id": "EUR", "name_en": "euro", "kind": "currency"})
    assert only_message(pkg, "data/units.csv", line, "unit_id") == "EUR is used by no claim"


def test_missing_translation(pkg):
    line = pkg.edit("relations", "R0001", "quote_en", "")
    assert only_message(pkg, "data/relations.csv", line, "quote_en") == "missing, and the source's language is zh-Hant"


def test_unusable_descriptor(pkg):
    (pkg.root / "datapackage.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(UnusableInput, match=r"datapackage\.json: not valid UTF-8 JSON"):
        run_checks(pkg.root)


def test_wrong_header_is_unusable(pkg):
    text = (pkg.root / "data" / "units.csv").read_text(encoding="utf-8")
    (pkg.root / "data" / "units.csv").write_text(text.replace("symbol", "sym", 1), encoding="utf-8")
    with pytest.raises(UnusableInput, match=r"data/units.csv:1: header does not match the schema .*missing symbol"):
        run_checks(pkg.root)


def test_missing_table_file_is_unusable(pkg):
    (pkg.root / "data" / "events.csv").unlink()
    with pytest.raises(UnusableInput, match=r"data/events\.csv: file not found"):
        run_checks(pkg.root)


def test_malformed_schema_is_unusable_not_a_traceback(pkg):
    import json

    path = pkg.root / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["resources"][3]["schema"]["fields"][0]["type"] = "no-such-type"
    path.write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    problems = run_checks(pkg.root)
    assert [str(p) for p in problems] == [
        'datapackage.json: field error: field type "no-such-type" is not supported (fix datapackage.json)'
    ]
