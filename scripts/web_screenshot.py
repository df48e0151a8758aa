"""Take docs/img/web-estimates.png: the estimates page of `cnaccel serve` in headless Chromium.

Run from the repository root: ``.venv/bin/python scripts/web_screenshot.py`` (needs cnaccel[web],
Playwright and a Chromium on the PATH).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
PORT = 8799
PAGE = "/cnaccel/estimates?metric_id=market_share&market_id=china-accelerator-market&basis=units&_sort=period"


def main() -> int:
    server = subprocess.Popen(
        [sys.executable, "-m", "cnaccel", "serve", "--port", str(PORT), "--source", str(ROOT)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/-/versions.json", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1500, "height": 760})
            page.goto(f"http://127.0.0.1:{PORT}{PAGE}")
            page.locator("table.rows-and-columns").scroll_into_view_if_needed()
            page.evaluate("window.scrollBy(0, -260)")
            page.screenshot(path=str(ROOT / "docs" / "img" / "web-estimates.png"))
            browser.close()
    finally:
        server.terminate()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
