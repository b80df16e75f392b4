"""The report page of a large review in a real browser: its size, how long it takes to open,
and how long its largest diagram box takes to list its publications.

Opens ``reports/prisma.html`` of a review whose reports are made (for example the one
``review_scale.py`` builds) in headless Chromium through Playwright, as a reader would from
disk, and measures, each the median of ``--repeat`` fresh page loads:

- the time until the page has loaded (diagram and tables shown);
- the time from clicking the largest box of the diagram until its first rows are shown
  (the first click unpacks the page's records);
- the time to filter that list by a word.

    .venv/bin/python benchmarks/review_scale.py --corpus benchmarks/corpora/80k \\
        --out benchmarks/corpora/80k-review
    .venv/bin/python benchmarks/page_load.py benchmarks/corpora/80k-review

Needs the test extras (Playwright) and Chromium (Debian's ``chromium``). Results:
``benchmarks/results/page_load.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

RESULTS = Path(__file__).resolve().parent / "results"


def largest_box(review: Path) -> tuple[str, int]:
    """The key and number of the latest round's largest diagram box with a list."""
    members = json.loads((review / "reports/data/members.json").read_text(encoding="utf-8"))
    latest = max(members["rounds"], key=int)
    boxes = members["rounds"][latest]["boxes"]
    box = max(boxes, key=lambda name: len(boxes[name]["publications"]))
    return f"r{latest}.box.{box}", len(boxes[box]["publications"])


def measure(review: Path, repeat: int, chromium: str) -> dict[str, object]:
    page_file = review / "reports" / "prisma.html"
    key, listed = largest_box(review)
    loads, opens, filters = [], [], []
    shown = ""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-gpu"]
        )
        for _ in range(repeat):
            page = browser.new_page(viewport={"width": 1300, "height": 1000})
            started = time.perf_counter()
            page.goto(page_file.as_uri(), wait_until="load", timeout=300_000)
            loaded = time.perf_counter()
            page.locator(f'.diagram svg [data-list="{key}"]').first.click()
            page.wait_for_selector("#browser tr[data-group]", timeout=300_000)
            listed_at = time.perf_counter()
            shown = page.inner_text("#browser .shown")
            page.fill("#browser .filter", "trial")
            page.wait_for_function(
                "() => !document.querySelector('#browser .shown').textContent.endsWith("
                f"{json.dumps(shown.split(' of ')[-1])})"
            )
            filtered = time.perf_counter()
            loads.append(loaded - started)
            opens.append(listed_at - loaded)
            filters.append(filtered - listed_at)
            page.close()
        browser.close()
    return {
        "page": str(page_file),
        "page_bytes": page_file.stat().st_size,
        "box": key,
        "box_publications": listed,
        "shown": shown,
        "load_seconds": round(statistics.median(loads), 2),
        "largest_box_seconds": round(statistics.median(opens), 2),
        "filter_seconds": round(statistics.median(filters), 2),
        "repeat": repeat,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("review", type=Path, help="a review directory with its reports made")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    args = parser.parse_args()
    result = measure(args.review.resolve(), args.repeat, args.chromium)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "page_load.json").write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    megabytes = int(result["page_bytes"]) / 1e6  # type: ignore[call-overload]
    lines = [
        "# The report page of a large review in headless Chromium",
        "",
        f"- page: {megabytes:.1f} MB",
        f"- opens (load event): {result['load_seconds']} s",
        f"- largest box `{result['box']}` ({result['box_publications']:,} publications) "
        f"lists its first rows: {result['largest_box_seconds']} s ({result['shown']})",
        f"- filtering it by a word: {result['filter_seconds']} s",
        f"- medians of {result['repeat']} fresh loads",
        "",
    ]
    (RESULTS / "page_load.md").write_text("\n".join(lines), "utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
