"""A browsable web view of the package: ``cnaccel serve`` runs Datasette on its SQLite form.

The database is the release's ``cnaccel.sqlite`` (taken from a bundle, or built once into a cache
for the installed data or a package folder) opened read-only in immutable mode, with metadata
generated from ``datapackage.json``: titles, licence, descriptions of every table and column,
facets that suit each table, sorting by period, and canned queries for the common questions.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from .paths import DESCRIPTOR, find_root

DATABASE = "cnaccel"
FACETS = {
    "facts": ["entity_id", "metric_id", "period", "assessment", "claim_type"],
    "facts_cited": ["entity_name", "metric_id", "period", "assessment", "source_reliability"],
    "events": ["entity_id", "event_type", "assessment"],
    "events_cited": ["entity_id", "event_type", "assessment", "source_reliability"],
    "relations": ["relation_type", "assessment"],
    "relations_cited": ["relation_type", "assessment", "source_reliability"],
    "estimates": ["entity_id", "metric_id", "period", "status", "assessment"],
    "sources": ["reliability", "source_type", "language"],
    "entities": ["entity_type", "country"],
    "products": ["entity_id", "product_type"],
}
SORT_BY_PERIOD = ("facts", "facts_cited", "estimates")
LABELS = {"entities": "name_en", "sources": "title", "products": "name", "metrics": "name_en", "units": "name_en"}
VIEWS = {
    "facts_cited": "Each fact with its entity and metric names and its source's citation; the source's address "
    "is a link.",
    "events_cited": "Each event with its source's citation; the source's address is a link.",
    "relations_cited": "Each relation with its source's citation; the source's address is a link.",
}

QUERIES = {
    "vendor_shares": {
        "title": "Vendor shares of China's accelerator cards by year",
        "description": "The estimates of each vendor's share of AI accelerator cards shipped in China, by units, "
        "per period; fact_id names the claim behind each figure.",
        "sql": "select e.period, e.entity_id, n.name_en as vendor, e.value as share_percent, e.low, e.high, "
        "e.claims, e.status, e.assessment, e.fact_id from estimates as e join entities as n on n.entity_id = "
        "e.entity_id where e.metric_id = 'market_share' and e.market_id = 'china-accelerator-market' and e.basis "
        "= 'units' order by e.period_start, e.period, e.value desc",
    },
    "company_financials": {
        "title": "A company's revenue and profit by period",
        "description": "The estimates of revenue, net profit or loss and gross margin of one company (an "
        "entity_id such as cambricon, hygon, moore-threads, metax, biren), in period order.",
        "sql": "select e.period, e.metric_id, e.value, e.unit_id, e.low, e.high, e.claims, e.status, e.rule, "
        "e.fact_id from estimates as e where e.entity_id = :entity and e.metric_id in ('revenue', 'net_profit', "
        "'net_loss', 'gross_margin') order by e.metric_id, e.period_start, e.period",
    },
    "disputed_claims": {
        "title": "Claims in dispute, with their evidence",
        "description": "Every fact assessed as disputed, with the note saying why and the claims it rests on.",
        "sql": "select f.fact_id, f.entity_name, f.metric_id, f.period, f.value, f.unit_id, f.figure, "
        "f.assessment_note, f.evidence_ids, f.source_publisher, f.source_url from facts_cited as f where "
        "f.assessment = 'disputed' order by f.entity_id, f.metric_id, f.period",
    },
    "source_claims": {
        "title": "Everything one source says",
        "description": "The claims of one source (a source_id such as 36kr-2025-12-domestic-gpu-race), with "
        "the figure as printed and the claim as a sentence.",
        "sql": "select fact_id as claim_id, 'fact' as kind, figure, statement, assessment from facts where "
        "source_id = :source_id union all select event_id, 'event', figure, statement, assessment from events "
        "where source_id = :source_id union all select relation_id, 'relation', figure, statement, assessment "
        "from relations where source_id = :source_id order by claim_id",
    },
    "ipos": {
        "title": "IPOs and their first-day moves",
        "description": "Each listing event with the share-price change reported for the listing day.",
        "sql": "select e.entity_id, e.date as listing_date, e.counterparty_id as exchange, f.value as "
        "first_day_change_percent, f.figure, f.context, f.fact_id, e.event_id from events as e left join facts "
        "as f on f.entity_id = e.entity_id and f.metric_id = 'share_price_change' and f.period = e.date where "
        "e.event_type = 'ipo_listing' and e.assessment != 'superseded' order by e.date, e.entity_id, f.fact_id",
    },
}


def _stamp(root: Path) -> str:
    """A fingerprint of the package's files and of the code that writes its SQLite form: the
    cache key of that form (a new version of either builds it anew)."""
    from . import __version__
    from .release import sqlite as writer

    digest = hashlib.sha256(__version__.encode())
    digest.update(Path(writer.__file__).read_bytes())
    descriptor = json.loads((root / DESCRIPTOR).read_text(encoding="utf-8"))
    digest.update((root / DESCRIPTOR).read_bytes())
    for res in descriptor["resources"]:
        path = root / res["path"]
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def database(source: str | Path | None = None) -> Path:
    """The SQLite file to serve: a bundle's own, or one built once for the package into a cache."""
    root = find_root(source)
    if (root / f"{DATABASE}.sqlite").is_file():
        return root / f"{DATABASE}.sqlite"
    from .derived import release_descriptor
    from .release.sqlite import write_sqlite

    cache = Path(os.environ.get("CNACCEL_CACHE", Path(tempfile.gettempdir()) / "cnaccel-cache")) / "web" / _stamp(root)
    target = cache / f"{DATABASE}.sqlite"
    if not target.is_file():
        cache.mkdir(parents=True, exist_ok=True)
        package = release_descriptor(json.loads((root / DESCRIPTOR).read_text(encoding="utf-8")))
        staging = cache / f".{DATABASE}.{os.getpid()}.sqlite"
        write_sqlite(root, package, staging)
        os.replace(staging, target)
    return target


def metadata(source: str | Path | None = None) -> dict:
    """Datasette metadata generated from the package's descriptor."""
    from .derived import release_descriptor

    root = find_root(source)
    package = release_descriptor(json.loads((root / DESCRIPTOR).read_text(encoding="utf-8")))
    licence = (package.get("licenses") or [{}])[0]
    tables: dict[str, dict] = {}
    for res in package["resources"]:
        if res.get("format") == "parquet":
            continue
        name = res["name"]
        columns = {f["name"]: f.get("description", "") for f in res["schema"]["fields"]}
        tables[name] = {"description": res.get("description", ""), "columns": columns}
    for view, about in VIEWS.items():
        tables[view] = {"description": about}
    for name, facets in FACETS.items():
        tables.setdefault(name, {})["facets"] = facets
    for name in SORT_BY_PERIOD:
        tables.setdefault(name, {})["sort_desc"] = "period"
    for name, column in LABELS.items():
        tables.setdefault(name, {})["label_column"] = column
    from html import escape

    listing = "".join(
        f'<dt><a href="/{DATABASE}/{escape(name)}">{escape(name)}</a></dt><dd>{escape(table["description"])}</dd>'
        for name, table in tables.items()
        if table.get("description")
    )
    about = f"<p>{escape(package.get('description', ''))}</p><dl class=\"cnaccel-tables\">{listing}</dl>"
    return {
        "title": package.get("title", "cnaccel"),
        "description": package.get("description", ""),
        "license": licence.get("name", ""),
        "license_url": licence.get("path", ""),
        "source": f"cnaccel {package.get('version', '')}",
        "databases": {DATABASE: {"description_html": about, "tables": tables, "queries": QUERIES}},
    }


def command(source: str | Path | None, host: str, port: int, metadata_path: Path) -> list[str]:
    """The datasette command line that serves the package read-only."""
    plugins = Path(__file__).resolve().parent / "web_plugins"
    return [
        sys.executable, "-m", "datasette", "serve", "--immutable", str(database(source)),
        "--metadata", str(metadata_path), "--plugins-dir", str(plugins), "--host", host, "--port", str(port),
        "--setting", "default_page_size", "50",
    ]  # fmt: skip


def serve(source: str | Path | None = None, host: str = "127.0.0.1", port: int = 8001) -> int:
    """Serve the package with Datasette until interrupted; returns its exit status."""
    import importlib.util

    if importlib.util.find_spec("datasette") is None:
        raise RuntimeError("cnaccel serve needs Datasette: pip install 'cnaccel[web]'")
    folder = Path(tempfile.mkdtemp(prefix="cnaccel-web-"))
    meta = folder / "metadata.json"
    meta.write_text(json.dumps(metadata(source), ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"serving on http://{host}:{port}/{DATABASE} (read-only); stop with Ctrl-C", flush=True)
    try:
        return subprocess.call(command(source, host, port, meta))
    except KeyboardInterrupt:  # pragma: no cover - interactive
        return 0
