"""One-off migration to version 1.0.0: from quoted sentences to figures and passage fingerprints.

Until 0.2.0 every claim row carried a sentence of its source (``quote``) and a translation
(``quote_en``), and ``sources/`` held the text of every source.  From 1.0.0 the package holds no
sentence of any source: a claim row carries the figure as printed, and the fingerprint of the
passage that states it (its SHA-256, offset and length in the normalised text of the source).

This script computes those columns for every claim of 0.2.0 from the texts in git history
(commit ``LAST_WITH_TEXTS``): the passage is the former quote, at its first occurrence in the
normalised text; the figure is the shortest run of the quote that holds the number with its
currency or counting word, its qualifier words and its sign words.  Rows it cannot settle are
listed for a curator and left with an empty figure.

Run once from the repository root: ``python scripts/migrate_to_fingerprints.py``.
"""

from __future__ import annotations

import csv
import math
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from cnaccel.archive import LAST_WITH_TEXTS  # noqa: E402
from cnaccel.fingerprint import locate, normalise, simhash, text_fingerprint  # noqa: E402
from cnaccel.numbers import read_figure, read_figures  # noqa: E402

MAX_FIGURE = 48

UNIT_AFTER = re.compile(
    r"\s?(?:(?:亿元|億元|万元|萬元)(?:人民币|人民幣)?|亿美元|億美元|万美元|萬美元|亿港元|億港元|美元|港元|港币|港幣|人民币|人民幣|元(?:人民币|人民幣)?|"
    r"万张|萬張|张|張|片|颗|顆|块|塊|枚|卡|家|台|臺|套|股|倍|个百分点|個百分點|百分点|百分點|"
    r"(?:US |HK |U\.S\. )?dollars|yuan|cards|units|chips|GPUs|shares|customers|companies|times|"
    r"percentage points|pp)"
)
CURRENCY_BEFORE = re.compile(r"(?:US\$|HK\$|NT\$|\$|¥|￥|RMB|CNY|USD|HKD|人民币|人民幣)\s?$")
SUFFIX_QUALIFIER = re.compile(
    r"(?:以上|以下|以內|以内|左右|上下|多|余|餘|許|许|級|级|\+| plus| or more| or less| से अधिक)"
)
NEGATIVE_BEFORE = re.compile(
    r"(?:[-−－]|(?:净亏损|淨虧損|凈虧損|亏损|虧損|亏|虧|减少|減少|下降|下滑|下跌|年减|年減|同比减少|同比減少|同比|减|減|跌|降|"
    r"net loss of|loss of|losses of|a loss|fell|fall|declined|decline of|dropped|down|minus)[^\d，,。；;]{0,4})$",
    re.IGNORECASE,
)
SENTENCE_PUNCT = re.compile(r"[。，；！？;!?\n「」“”\"]|,(?!\d)")


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def write_csv(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in header})


def text_at(rev: str, path: str) -> str:
    return subprocess.run(
        ["git", "show", f"{rev}:{path}"], cwd=ROOT, check=True, capture_output=True
    ).stdout.decode("utf-8")


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def fact_figure(row: dict[str, str], loss_metrics: set[str]) -> str | None:
    """The shortest run of the quote that reads back as the row's value, qualifier and sign."""
    quote = row["quote"]
    value = float(row["value"])
    value_max = float(row["value_max"]) if row["value_max"] else None
    qualifier = row["qualifier"]
    target = {abs(value), abs(value_max)} if value_max is not None else {abs(value)}
    for fig in read_figures(quote):
        if fig.is_date:
            continue
        ends = {fig.value} | ({fig.value_max} if fig.value_max is not None else set())
        if not any(close(a, b) for a in ends for b in target):
            continue
        start, end = fig.start, fig.end
        unit = UNIT_AFTER.match(quote, end)
        if unit:
            end = unit.end()
        if fig.qualifier == qualifier and fig.marker and qualifier != "range":
            suffix = SUFFIX_QUALIFIER.match(quote, end)
            if suffix and fig.marker in suffix.group(0):
                end = suffix.end()
            else:
                at = quote.rfind(fig.marker, 0, start)
                if at >= 0:
                    start = at
        currency = CURRENCY_BEFORE.search(quote[:start])
        if currency:
            start = currency.start()
        negative = value < 0 or (value_max is not None and value_max < 0)
        if negative or (row["metric_id"] in loss_metrics):
            sign = NEGATIVE_BEFORE.search(quote[:start])
            if sign:
                start = sign.start()
        for lead in (start, list_lead(quote, start)):
            figure = quote[lead:end].strip()
            if agrees(figure, value, value_max, qualifier, row["metric_id"] in loss_metrics):
                return figure
    return None


def list_lead(quote: str, start: int) -> int:
    """Where the shared lead words of a list begin (净亏损分别为, 约为): the last word of loss,
    decline or approximation in the clause before ``start``."""
    clause = max(quote.rfind(ch, 0, start) for ch in "，。；;!?:：") + 1
    lead = re.compile(
        r"净亏损|淨虧損|凈虧損|亏损|虧損|約|约|大约|大約|超过|超過|逾|近|about|approximately|more than",
        re.IGNORECASE,
    )
    found = [m.start() for m in lead.finditer(quote, clause, start)]
    return found[-1] if found else start


def agrees(figure: str, value: float, value_max: float | None, qualifier: str, loss: bool) -> bool:
    """True when the figure, read on its own, gives the row's value, upper end and qualifier."""
    reading = read_figure(figure)
    if reading is None or SENTENCE_PUNCT.search(figure) or len(figure) > MAX_FIGURE or reading.numbers != 1:
        return False
    got_value, got_max = reading.value, reading.value_max
    if loss:
        got_value, got_max = abs(got_value), (None if got_max is None else abs(got_max))
        if got_max is not None:
            got_value, got_max = sorted((got_value, got_max))
    same_max = (got_max is None and value_max is None) or (
        got_max is not None and value_max is not None and close(got_max, value_max)
    )
    return close(got_value, value) and same_max and reading.qualifier == qualifier


MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
MONTHS_SHORT = "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
DATE_FORMS = [
    re.compile(r"(?:(\d{4})\s?年\s?)?(\d{1,2})\s?月\s?(?:(\d{1,2})\s?[日号號])?"),
    re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?"),
    re.compile(r"(\d{4})/(\d{1,2})(?:/(\d{1,2}))?"),
    re.compile(rf"(?:({MONTHS}|{MONTHS_SHORT})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?)"),
    re.compile(rf"(\d{{1,2}})\s+({MONTHS}|{MONTHS_SHORT})\.?(?:,?\s+(\d{{4}}))?"),
    re.compile(rf"(?:({MONTHS})\s+(\d{{4}}))"),
    re.compile(r"(\d{4})\s?年(?!\d)"),
]


def event_figure(row: dict[str, str]) -> str:
    """The date as printed in the quote, when one agrees with the row's date; else ""."""
    from cnaccel.periods import read_printed_date as read_date

    date = row["date"]
    if not date:
        return ""
    best = ""
    for form in DATE_FORMS:
        for m in form.finditer(row["quote"]):
            text = m.group(0).strip()
            parts = read_date(text)
            if parts is None or not parts.agrees_with(date):
                continue
            if len(text) > len(best):
                best = text
    return best


def main() -> int:
    data = ROOT / "data"
    _, metrics = read_csv(data / "metrics.csv")
    loss_metrics = {m["metric_id"] for m in metrics if m.get("measures_loss") == "true"}
    sheader, sources = read_csv(data / "sources.csv")
    texts: dict[str, str] = {}
    for src in sources:
        texts[src["source_id"]] = normalise(text_at(LAST_WITH_TEXTS, f"sources/{src['source_id']}.txt"))
        digest, chars = text_fingerprint(text_at(LAST_WITH_TEXTS, f"sources/{src['source_id']}.txt"))
        src["text_sha256"], src["text_chars"] = digest, str(chars)
        src.setdefault("lineage", src["source_id"])
        if not src.get("lineage"):
            src["lineage"] = src["source_id"]
    new_sheader = [c for c in sheader if c not in ("archive_sha256", "notes", "lineage")]
    new_sheader += ["lineage", "text_sha256", "text_chars", "notes"]
    write_csv(data / "sources.csv", new_sheader, sources)

    unsettled: list[str] = []
    for table, key in (("facts", "fact_id"), ("events", "event_id"), ("relations", "relation_id")):
        header, rows = read_csv(data / f"{table}.csv")
        if "quote" not in header:
            print(f"{table}: already migrated")
            continue
        for row in rows:
            passage = locate(texts[row["source_id"]], row["quote"])
            if passage is None:
                unsettled.append(f"{table} {row[key]}: passage not found in its source's text")
                continue
            row["passage_sha256"], row["passage_start"], row["passage_chars"] = (
                passage.sha256,
                str(passage.start),
                str(passage.chars),
            )
            row["passage_simhash"] = simhash(passage.cut(texts[row["source_id"]]))
            if table == "facts":
                figure = "" if row["derivation"] == "derived" else fact_figure(row, loss_metrics)
                if figure is None:
                    unsettled.append(f"{table} {row[key]}: no figure read from {row['quote']!r}")
                    figure = ""
                row["figure"] = figure
            elif table == "events":
                row["figure"] = event_figure(row)
            else:
                row["figure"] = ""
        at = header.index("source_id") + 1
        new_header = [c for c in header if c not in ("quote", "quote_en")]
        new_header[at:at] = ["figure", "passage_sha256", "passage_start", "passage_chars", "passage_simhash"]
        write_csv(data / f"{table}.csv", new_header, rows)
    for line in unsettled:
        print(line)
    print(f"{len(unsettled)} rows left for a curator")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
