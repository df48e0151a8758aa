"""Every check fires on a crafted broken copy of the package, naming file, row, column and message."""

from __future__ import annotations

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
    assert [p.message for p in found] == ['duplicate value: "F0002" (the same as in the row at line 3)']


def test_dangling_foreign_key(pkg):
    line = pkg.edit("facts", "F0004", "entity_id", "no-such-company")
    found = problems_at(pkg, "data/facts.csv", line, "entity_id")
    assert len(found) == 1
    assert found[0].message == 'dangling foreign key: "no-such-company" (no row of entities has it)'


def test_dangling_parent(pkg):
    line = pkg.edit("entities", "kunlunxin", "parent_id", "nobody")
    found = problems_at(pkg, "data/entities.csv", line, "parent_id")
    assert found and '"nobody"' in found[0].message


SEED = "36kr-2025-12-domestic-gpu-race"


def test_known_answer_f0001_passage_at_its_offset(pkg):
    from cnaccel.fingerprint import normalise, sha256

    row = pkg.row("facts", "F0001")
    text = normalise((pkg.root / "archive" / f"{SEED}.txt").read_text(encoding="utf-8"))
    start, chars = int(row["passage_start"]), int(row["passage_chars"])
    assert (start, chars) == (7, 26)
    assert sha256(text[start : start + chars]) == row["passage_sha256"]
    assert row["figure"] == "171億美元" and "171億美元" in text[start : start + chars]


def test_one_edited_character_in_the_passage_names_f0001_only(pkg):
    path = pkg.root / "archive" / f"{SEED}.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("全部收入為171億", "全部收入为171億", 1), encoding="utf-8")
    found = run_checks(pkg.root)
    assert [(p.file, p.row, p.column, p.code) for p in found] == [
        ("data/facts.csv", pkg.line_of("facts", "F0001"), "passage_sha256", "passage-mismatch")
    ]
    assert found[0].message == (
        f"the 26 characters at 7 of archive/{SEED}.txt do not have this SHA-256"
    )


def test_passage_offset_off_by_one(pkg):
    line = pkg.edit("facts", "F0001", "passage_start", "8")
    found = problems_at(pkg, "data/facts.csv", line, "passage_sha256")
    assert [p.code for p in found] == ["passage-mismatch"]
    assert found[0].hint == "the passage stands at 7: set passage_start to 7"


def test_text_changed_outside_every_passage(pkg):
    path = pkg.root / "archive" / f"{SEED}.txt"
    path.write_text(path.read_text(encoding="utf-8") + "\nappended line", encoding="utf-8")
    line = pkg.line_of("sources", SEED)
    found = problems_at(pkg, "data/sources.csv", line, "text_sha256")
    assert [p.code for p in found] == ["text-hash-mismatch"]
    assert found[0].message.startswith(f"archive/{SEED}.txt normalises to 2185 characters")


def test_similarity_hash_must_match_the_passage(pkg):
    line = pkg.edit("facts", "F0001", "passage_simhash", "0000000000000000")
    assert [p.code for p in problems_at(pkg, "data/facts.csv", line, "passage_simhash")] == ["passage-simhash-mismatch"]


def test_figure_not_in_its_passage(pkg):
    line = pkg.edit("facts", "F0001", "figure", "171億美金")
    assert [p.code for p in problems_at(pkg, "data/facts.csv", line, "figure")] == ["figure-not-in-passage"]


def test_without_archive_every_other_check_still_runs(pkg):
    import shutil

    from cnaccel.checks import validate

    shutil.rmtree(pkg.root / "archive")
    line = pkg.edit("facts", "F0001", "value", "171000000000")
    problems, coverage = validate(pkg.root)
    assert [(p.row, p.code) for p in problems] == [(line, "figure-mismatch")]
    assert (coverage.sources_with_text, coverage.claims_checked) == (0, 0)
    assert coverage.line().startswith("passages: 0 of ")


def test_figure_that_is_a_sentence(pkg):
    sentence = pkg.passage("F0001")  # the whole passage: it stands in the text, but is no figure
    line = pkg.edit("facts", "F0001", "figure", sentence)
    found = problems_at(pkg, "data/facts.csv", line, "figure")
    assert [p.code for p in found] == ["figure-not-figure"]
    assert found[0].message == f"{sentence!r} is not a figure: it holds sentence punctuation or runs past 48 characters"


def test_figure_without_a_number(pkg):
    line = pkg.edit("facts", "F0001", "figure", "美元")
    assert only_message(pkg, "data/facts.csv", line, "figure") == "'美元' holds no number"


def test_stated_fact_needs_a_figure(pkg):
    line = pkg.edit("facts", "F0001", "figure", "")
    found = problems_at(pkg, "data/facts.csv", line, "figure")
    assert [p.code for p in found] == ["figure-missing"]


def test_value_ten_times_too_large(pkg):
    line = pkg.edit("facts", "F0001", "value", "171000000000")
    assert only_message(pkg, "data/facts.csv", line, "value") == (
        "1.71e11 does not match the figure '171億美元' (1.71e10)"
    )
    problem = problems_at(pkg, "data/facts.csv", line, "value")[0]
    assert problem.code == "figure-mismatch"
    assert str(problem).startswith("data/facts.csv:2:value: 1.71e11 does not match the figure '171億美元' (1.71e10)")


def test_sign_word_with_a_positive_value(pkg):
    pkg.edit("facts", "F0007", "figure", "年減5%")
    line = pkg.line_of("facts", "F0007")
    found = problems_at(pkg, "data/facts.csv", line, "value")
    assert [p.code for p in found] == ["figure-sign"]
    assert found[0].message == "5 has the wrong sign: the figure '年減5%' prints a loss or decline"


def test_negative_value_with_an_unsigned_figure(pkg):
    row = next(r for r in pkg.rows("facts")[1] if r["figure"].startswith("-"))
    line = pkg.edit("facts", row["fact_id"], "figure", row["figure"].lstrip("-"))
    assert [p.code for p in problems_at(pkg, "data/facts.csv", line, "value")] == ["figure-sign"]


def test_loss_metric_stores_a_positive_number(pkg):
    line = pkg.edit("facts", "F3149", "value", "-817400000")
    codes = [p.code for p in problems_at(pkg, "data/facts.csv", line, "value")]
    assert codes == ["figure-sign", "negative-value"]  # the figure's sign, and the metric's own range


def test_dollars_with_unit_cny(pkg):
    line = pkg.edit("facts", "F0001", "unit_id", "CNY")
    assert only_message(pkg, "data/facts.csv", line, "unit_id") == "the figure is in USD but the unit is CNY"


def test_cards_with_a_currency_unit(pkg):
    line = pkg.edit("facts", "F0003", "unit_id", "USD")
    assert only_message(pkg, "data/facts.csv", line, "unit_id") == "the figure counts things but the unit is USD"


def test_lower_bound_stored_as_exact(pkg):
    line = pkg.edit("facts", "F0003", "qualifier", "exact")
    assert only_message(pkg, "data/facts.csv", line, "qualifier") == (
        "exact does not match the figure '超過270萬張' (lower_bound)"
    )


def test_approx_stored_as_exact(pkg):
    line = pkg.edit("facts", "F0006", "qualifier", "exact")
    figure = pkg.row("facts", "F0006")["figure"]
    message = only_message(pkg, "data/facts.csv", line, "qualifier")
    assert message == f"exact does not match the figure {figure!r} (approx)"


def test_range_upper_end_wrong(pkg):
    line = pkg.edit("facts", "F0015", "value_max", "4")
    assert only_message(pkg, "data/facts.csv", line, "value_max") == "4 does not match the upper end of '兩到三家' (3)"


def test_figure_with_two_numbers(pkg):
    line = pkg.edit("facts", "F0001", "figure", "171億美元 55%")
    codes = {p.code for p in problems_at(pkg, "data/facts.csv", line, "figure")}
    assert codes == {"figure-several-numbers", "figure-not-in-passage"}


def test_event_figure_must_agree_with_its_date(pkg):
    row = next(r for r in pkg.rows("events")[1] if r["figure"] and r["date"] and len(r["date"]) == 10)
    line = pkg.edit("events", row["event_id"], "date", row["date"][:8] + ("02" if row["date"][8:] != "02" else "03"))
    found = problems_at(pkg, "data/events.csv", line, "figure")
    assert [p.code for p in found] == ["figure-date-mismatch"]


def test_relation_has_no_figure(pkg):
    line = pkg.edit("relations", "R0001", "figure", "2025年")
    assert only_message(pkg, "data/relations.csv", line, "figure") == "a relation has no figure"


def test_corroboration_by_a_reprint_of_the_same_report(pkg):
    header, rows = pkg.rows("sources")
    evidence_source = pkg.row("facts", "F1060")["source_id"]
    for row in rows:
        if row["source_id"] == evidence_source:
            row["lineage"] = pkg.row("sources", SEED)["lineage"]
    pkg.write("sources", header, rows)
    pkg.edit("facts", "F0001", "assessment", "corroborated")
    pkg.edit("facts", "F0001", "evidence_ids", "F1060")
    found = problems_at(pkg, "data/facts.csv", 2, "evidence_ids")
    assert [p.code for p in found] == ["corroboration-same-lineage"]
    assert found[0].message == f"corroborated, but every claim of its evidence (F1060) comes from lineage {SEED}"


def test_rows_of_one_article_do_not_corroborate_each_other(pkg):
    pkg.edit("facts", "F0002", "evidence_ids", "F0001")
    found = problems_at(pkg, "data/facts.csv", pkg.line_of("facts", "F0002"), "evidence_ids")
    assert [p.code for p in found] == ["corroboration-same-lineage"]


def test_claim_that_is_its_own_evidence(pkg):
    line = pkg.edit("facts", "F0001", "evidence_ids", "F0001|F1060")
    messages = [p.message for p in problems_at(pkg, "data/facts.csv", line, "evidence_ids")]
    assert "names the claim itself (F0001)" in messages


def test_context_that_copies_the_source(pkg):
    words = pkg.passage("F0001")[5:]  # a run of the source's sentence, read from the archived text
    line = pkg.edit("facts", "F0001", "context", f"The article says {words}")
    found = problems_at(pkg, "data/facts.csv", line, "context")
    assert [p.code for p in found] == ["copied-text"]
    assert found[0].message == f"repeats the source's words {words!r}"


def test_printed_signed_figure_is_not_a_formula(pkg):
    row = next(r for r in pkg.rows("facts")[1] if r["figure"].startswith("-"))
    assert problems_at(pkg, "data/facts.csv", pkg.line_of("facts", row["fact_id"]), "figure") == []
    line = pkg.edit("facts", "F0002", "context", "-SUM(A1)")
    assert only_message(pkg, "data/facts.csv", line, "context") == (
        "text starts with '-', which a spreadsheet would run as a formula; reword the cell"
    )


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
    row.update(fact_id="F0900", entity_id="huawei", value="40", figure="40%")
    pkg.append("facts", row)
    line = pkg.line_of("facts", "F0900")
    found = problems_at(pkg, "data/facts.csv", line, "value")
    assert any(
        p.message.startswith("market shares with the same source, market, basis and period sum to 110 percent")
        and p.code == "shares-over-100"
        for p in found
    ), found


def test_a_vendor_group_and_its_members_are_summed_apart(pkg):
    row = pkg.row("facts", "F0004")  # Nvidia 70% of 2024 cards by units, per the seed article
    row.update(fact_id="F0900", entity_id="china-domestic-vendors", value="40", figure="40%")
    line = pkg.append("facts", row)
    assert [p for p in problems_at(pkg, "data/facts.csv", line, "value") if p.code == "shares-over-100"] == []


def test_a_share_names_its_market_and_cut(pkg):
    line = pkg.edit("facts", "F0004", "market_id", "")
    found = problems_at(pkg, "data/facts.csv", line, "market_id")
    assert [(p.code, p.message) for p in found] == [
        ("market-missing", "empty, but metric market_share is a share or size of a market")
    ]
    line = pkg.edit("facts", "F0001", "basis", "units")
    assert [p.code for p in problems_at(pkg, "data/facts.csv", line, "basis")] == ["market-on-other-metric"]
    line = pkg.edit("facts", "F0004", "market_id", "nvidia")
    assert [p.code for p in problems_at(pkg, "data/facts.csv", line, "market_id")] == ["market-not-market"]


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
        "datapackage.json: invalid descriptor: field metrics.metric_id: type 'no-such-type' is not one of "
        "string, number, integer, boolean, date (fix datapackage.json) [schema-descriptor]"
    ]


def _frictionless_cells(root) -> set[tuple[str, int, str, str]]:
    """(file, row, column, code) of every error frictionless reports: the reference."""
    from frictionless import validate as frictionless_validate

    report = frictionless_validate(str(root / "datapackage.json"))
    descriptor = __import__("json").loads((root / "datapackage.json").read_text(encoding="utf-8"))
    paths = {res["name"]: res["path"] for res in descriptor["resources"]}
    keys = {res["name"]: ",".join(res["schema"].get("primaryKey", [])) for res in descriptor["resources"]}
    codes = {"primary-key": "schema-unique-error"}
    found = set()
    for task in report.tasks:
        for error in task.errors:
            column = getattr(error, "field_name", None) or ",".join(getattr(error, "field_names", []) or [])
            column = keys[task.name] if error.type == "primary-key" else column
            found.add((paths[task.name], error.row_number, column, codes.get(error.type, f"schema-{error.type}")))
    return found


def test_schema_rules_find_the_cells_frictionless_finds(pkg):
    """The columnar schema family and frictionless, the reference, agree cell for cell on a table
    broken every way the Table Schema can be broken."""
    from cnaccel.checks import schema
    from cnaccel.reader import open_package

    pkg.edit("facts", "F0003", "value", "lots")  # type
    pkg.edit("facts", "F0005", "qualifier", "roughly")  # enum
    pkg.edit("facts", "F0006", "passage_simhash", "not-hex")  # pattern
    pkg.edit("facts", "F0007", "entity_id", "no-such-company")  # foreign key
    pkg.edit("facts", "F0008", "metric_id", "")  # required
    pkg.edit("facts", "F0009", "passage_start", "-4")  # minimum
    pkg.edit("facts", "F0010", "passage_start", "4.5")  # integer
    pkg.edit("sources", "36kr-2025-12-domestic-gpu-race", "published", "2025-13")  # pattern
    pkg.edit("sources", "36kr-2025-12-domestic-gpu-race", "accessed", "2025-02-30")  # no such day
    pkg.append("facts", pkg.row("facts", "F0002"))  # unique
    ours = {(p.file, p.row, p.column, p.code) for p in schema.check(open_package(pkg.root).read_all())}
    reference = _frictionless_cells(pkg.root)
    assert len(ours) >= 10
    assert ours == reference
