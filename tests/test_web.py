"""cnaccel serve, driven in a real browser (headless Chromium through Playwright).

The browser tests run wherever a Chromium is installed; on CI (CI=true) a missing Chromium or
Playwright is a failure, not a skip, so the tests cannot silently not run there.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from cnaccel.web import QUERIES, metadata

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if found := shutil.which(name):
            return found
    return None


def _require(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing on CI: .ci/run installs it, so the browser tests must run there")
    pytest.skip(f"{what} is not installed here")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def site():
    """A running `cnaccel serve` of the repository's package; yields its base URL."""
    pytest.importorskip("datasette") if not os.environ.get("CI") else None
    port = _free_port()
    command = [sys.executable, "-m", "cnaccel", "serve", "--port", str(port), "--source", str(ROOT)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/-/versions.json", timeout=1)
                break
            except (urllib.error.URLError, ConnectionError):
                if process.poll() is not None:
                    pytest.fail(f"cnaccel serve stopped: {process.stdout.read()[-2000:]}")
                time.sleep(0.5)
        else:
            pytest.fail("cnaccel serve did not answer within a minute")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    chromium = _chromium()
    if chromium is None:
        _require("Chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _require("Playwright")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture()
def page(browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    yield page
    page.close()


def test_metadata_describes_every_table_and_column():
    meta = metadata(ROOT)
    tables = meta["databases"]["cnaccel"]["tables"]
    for name in ("sources", "entities", "facts", "events", "relations", "estimates"):
        assert tables[name]["description"]
        assert all(tables[name]["columns"].values()), name
    assert meta["license"] == "CC-BY-4.0"
    assert set(QUERIES) == {"vendor_shares", "company_financials", "disputed_claims", "source_claims", "ipos"}


def test_home_page_lists_the_tables_with_descriptions(site, page):
    import cnaccel

    page.goto(f"{site}/cnaccel")
    listing = page.locator("dl.cnaccel-tables")
    for table in ("facts", "events", "relations", "estimates", "sources", "entities"):
        res = next(r for r in cnaccel.package()["resources"] if r["name"] == table) if table != "estimates" else None
        term = listing.locator(f"dt a[href='/cnaccel/{table}']")
        assert term.count() == 1, table
        if res is not None:
            assert res["description"] in listing.inner_text(), table


def test_facts_show_units_beside_values_and_a_working_facet(site, page):
    page.goto(f"{site}/cnaccel/facts")
    first_value = page.locator("td.col-value").first
    assert first_value.locator("span.cnaccel-unit").count() == 1
    facet = page.locator(".facet-info[data-column='metric_id'] a").first
    chosen = facet.inner_text().split("\n")[0].strip().split(" ")[0]
    facet.click()
    page.wait_for_load_state()
    assert "metric_id=" in page.url
    cells = page.locator("td.col-metric_id").all_inner_texts()
    assert cells and all(chosen in c for c in cells)


def test_canned_query_gives_the_vendor_share_table(site, page):
    page.goto(f"{site}/cnaccel/vendor_shares")
    rows = page.locator("table.rows-and-columns tbody tr")
    assert rows.count() >= 5
    text = page.inner_text("table.rows-and-columns")
    assert "Nvidia" in text and "2024" in text and "2025" in text


def test_a_claims_source_link_points_at_its_url(site, page):
    import cnaccel

    fact = cnaccel.facts(entity="nvidia", metric="china_revenue").iloc[0]
    page.goto(f"{site}/cnaccel/facts_cited?fact_id={fact['fact_id']}")
    link = page.locator("td.col-source_url a").first
    assert link.get_attribute("href") == fact["source_url"]


def test_the_database_is_immutable_and_refuses_writes(site):
    databases = json.loads(urllib.request.urlopen(f"{site}/-/databases.json").read())
    assert [d["is_mutable"] for d in databases] == [False]

    def count() -> int:
        url = f"{site}/cnaccel.json?sql=select+count(*)+as+n+from+facts&_shape=array"
        return json.loads(urllib.request.urlopen(url).read())[0]["n"]

    before = count()
    request = urllib.request.Request(
        f"{site}/cnaccel/facts/-/insert",
        data=json.dumps({"row": {"fact_id": "F9999"}}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(request)
    sql = "insert+into+facts+(fact_id)+values+('F9999')"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{site}/cnaccel.json?sql={sql}")
    assert refused.value.code == 400 and b"SELECT" in refused.value.read()
    assert count() == before


def test_estimates_page_screenshot_is_in_the_docs(site, page, tmp_path):
    page.goto(f"{site}/cnaccel/estimates?metric_id=market_share&_sort=period")
    shot = tmp_path / "estimates.png"
    page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 10_000
    assert (ROOT / "docs" / "img" / "web-estimates.png").is_file()


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_canned_query_answers_with_rows(name):
    import sqlite3

    from cnaccel.web import database

    params = {"entity": "cambricon", "source_id": "36kr-2025-12-domestic-gpu-race"}
    sql = QUERIES[name]["sql"]
    connection = sqlite3.connect(database(ROOT))
    try:
        rows = connection.execute(sql, {k: v for k, v in params.items() if f":{k}" in sql}).fetchall()
    finally:
        connection.close()
    assert len(rows) >= 3, name
