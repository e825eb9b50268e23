"""Take the README's screenshots from a running demo server (`make run`), with Chromium.

    .venv/bin/python docs/screenshots.py [--url http://127.0.0.1:8000] [--password demo]

Logs in as each demo user and saves docs/screenshots/<name>.png; the pages are found through
the demo data (the first draft order, the first certificate...), so run it on fresh demo data.
"""

import argparse
import os
import re
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

OUT = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def log_in(page: Page, url: str, username: str, password: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{url}/")


def shoot(page: Page, name: str) -> None:
    page.screenshot(path=OUT / f"{name}.png", full_page=False)
    print(f"  {name}.png  {page.url}")


def first_link(page: Page, pattern: str) -> str:
    """The href of the first link on the page matching the pattern."""
    for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
        if re.search(pattern, href):
            return href
    raise LookupError(f"no link matching {pattern} on {page.url}")


def warehouse_pages(page: Page, url: str, password: str) -> None:
    shoot(page, "dashboard-warehouse")
    page.goto(f"{url}/seizures/new/")
    shoot(page, "seizure-form")
    page.goto(f"{url}/storage/warehouses/")
    page.goto(first_link(page, r"/storage/warehouses/\d+/"))
    shoot(page, "warehouse-occupancy")
    page.goto(f"{url}/lots/")
    page.goto(first_link(page, r"/lots/\d+/$"))
    shoot(page, "lot-custody-chain")
    page.goto(f"{url}/orders/plan/")
    shoot(page, "destruction-planner")


def auditor_pages(page: Page, url: str, password: str) -> None:
    page.goto(f"{url}/reviews/")
    shoot(page, "review-queue")
    page.goto(first_link(page, r"/reviews/CD-"))
    shoot(page, "review-side-by-side")
    page.goto(f"{url}/compliance/what-if/")
    page.get_by_label("Waste class").select_option("PHA")
    page.get_by_label("Disposal method").select_option("LANDFILL_ENG")
    page.get_by_label("Destruction date").fill("2026-12-01")
    page.get_by_role("button", name="Check", exact=True).click()
    page.wait_for_load_state()
    shoot(page, "what-if-findings")


def phone_shot(page: Page, url: str) -> None:
    """The public verification page as a phone shows it (390 px wide)."""
    phone = page.context.browser.new_page(viewport={"width": 390, "height": 844})
    phone.goto(url)
    shoot(phone, "public-verification-phone")
    phone.close()


def admin_pages(page: Page, url: str, password: str) -> None:
    page.goto(f"{url}/orders/?status=certified")
    page.goto(first_link(page, r"/orders/\d+/$"))
    shoot(page, "order-certified")
    page.goto(f"{url}/certificates/")
    page.goto(first_link(page, r"/certificates/CD-[\d-]+/$"))
    verify_url = first_link(page, r"/verify/[\w-]{20,}/")
    shoot(page, "certificate")
    page.context.clear_cookies()
    page.goto(verify_url)
    shoot(page, "public-verification")
    phone_shot(page, verify_url)
    log_in(page, url, "admin", password)  # the public page was seen logged out
    page.goto(f"{url}/statistics/?year=2026")
    shoot(page, "statistics")
    page.get_by_role("heading", name="Charts", exact=True).evaluate("h => h.scrollIntoView()")
    shoot(page, "statistics-charts")


def main(url: str, password: str) -> None:
    OUT.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 860})
        for username, pages in (
            ("warehouse", warehouse_pages),
            ("auditor", auditor_pages),
            ("admin", admin_pages),
        ):
            log_in(page, url, username, password)
            pages(page, url, password)
        browser.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--password", default=os.environ.get("DEMO_PASSWORD", "demo"))
    args = parser.parse_args()
    main(args.url, args.password)
