"""Take the README's screenshots from a running demo server (`make run`), with Chromium.

    .venv/bin/python docs/screenshots.py [--url http://127.0.0.1:8000] [--password demo]

Logs in as each demo user and saves docs/screenshots/<name>.png; the pages are found through
the demo data (the first draft order, the first certificate...), so run it on fresh demo data.
PDFs are shown in Chromium's own viewer. Each PNG is reduced to 256 colours, which a page of
text and flat colours survives, at a third of the size.
"""

import argparse
import datetime
import io
import os
import re
from pathlib import Path

from PIL import Image
from playwright.sync_api import Page, Route, sync_playwright

OUT = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def log_in(page: Page, url: str, username: str, password: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    # Each role lands on its own home: the dashboard, or the right holder's cases.
    page.wait_for_url(lambda address: "/login/" not in address)


def shoot(page: Page, name: str) -> None:
    path = OUT / f"{name}.png"
    page.screenshot(path=path, full_page=False)
    with Image.open(path) as image:
        reduced = image.convert("RGB").quantize(colors=256)
    reduced.save(path, optimize=True)
    print(f"  {name}.png  {path.stat().st_size // 1024} KB  {page.url}")


def links(page: Page, pattern: str) -> list[str]:
    """The hrefs of the links on the page matching the pattern, in page order."""
    found = [
        href
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        if re.search(pattern, href)
    ]
    if not found:
        raise LookupError(f"no link matching {pattern} on {page.url}")
    return found


def first_link(page: Page, pattern: str) -> str:
    return links(page, pattern)[0]


def show_inline(route: Route) -> None:
    """The product sends its PDFs as downloads; shown inline, Chromium's viewer opens them."""
    response = route.fetch()
    route.fulfill(response=response, headers={**response.headers, "content-disposition": "inline"})


def shoot_pdf(page: Page, url: str, name: str) -> None:
    page.route("**/*.pdf", show_inline)
    page.route("**/pdf/", show_inline)
    page.goto(f"{url}#toolbar=0&navpanes=0&view=FitH")
    # The viewer draws the page a while after the load event: until then it is one grey.
    for _ in range(20):
        page.wait_for_timeout(500)
        with Image.open(io.BytesIO(page.screenshot())) as drawn:
            if drawn.getcolors(maxcolors=2) is None:
                break
    shoot(page, name)
    page.unroute("**/*.pdf")
    page.unroute("**/pdf/")


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
    planner_proposals(page)
    stocktake_scan(page, url)
    page.goto(f"{url}/orders/?status=dispatched")
    page.goto(first_link(page, r"/orders/\d+/$"))
    shoot_pdf(page, first_link(page, r"/transport/adr\.pdf"), "transport-adr")


def planner_proposals(page: Page) -> None:
    """The first three lots to plan, a week ahead, with the proposals for them."""
    for box in page.get_by_label(re.compile(r"^Plan lot ")).all()[:3]:
        box.check()
    week_ahead = datetime.datetime.now(tz=datetime.UTC).date() + datetime.timedelta(days=7)
    page.get_by_label("Planned date").fill(week_ahead.isoformat())
    page.get_by_role("button", name="Propose methods and facilities").click()
    page.get_by_test_id("proposals").scroll_into_view_if_needed()
    shoot(page, "planner-proposals")


def stocktake_scan(page: Page, url: str) -> None:
    """The demo's open count, at the bay where it found a lot of the next bay."""
    page.goto(f"{url}/stocktakes/")
    page.goto(first_link(page, r"/stocktakes/\d+/$"))
    page.goto(first_link(page, r"/stocktakes/\d+/scan/"))
    page.get_by_label("Scan a code").fill("ANR-W1-GEN-B02")
    page.get_by_role("button", name="Enter").click()
    page.wait_for_url(re.compile(r"location="))
    shoot(page, "stocktake-scan")


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
    page.goto(f"{url}/compliance/rules/changes/")
    shoot(page, "rulebook-changes")


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
    page.goto(first_link(page, r"/statistics/\d+/close/"))
    shoot(page, "statistics-close")
    page.goto(f"{url}/statements/")
    page.goto(first_link(page, r"/statements/\d+/$"))
    shoot(page, "cost-statement")
    shoot_pdf(page, first_link(page, r"/statements/\d+/pdf/"), "cost-statement-pdf")
    # The demo's CSV came in at the Liège hub, which the warehouse user does not work for.
    page.goto(f"{url}/seizures/import/")
    page.goto(first_link(page, r"/seizures/imports/\d+/"))
    shoot(page, "intake-batch")
    page.goto(f"{url}/notifications/")
    shoot(page, "notifications")


def right_holder_pages(page: Page, url: str, password: str) -> None:
    shoot(page, "right-holder-cases")
    # The oldest case (last in the list) has gone all the way: answers, order, certificate.
    page.goto(links(page, r"/right-holder/cases/\d+/$")[-1])
    shoot(page, "right-holder-case")


def facility_pages(page: Page, url: str, password: str) -> None:
    """The dispatched order as its facility sees it, receipt being entered at the gate."""
    page.goto(f"{url}/orders/")
    page.goto(first_link(page, r"/orders/\d+/$"))
    page.get_by_label("Gate time").fill("2026-11-23T14:05")
    page.get_by_label("Weighbridge ticket").fill("WB-DOEL-2026-11823")
    page.evaluate("document.activeElement.blur()")
    page.get_by_role("heading", name="Lots", exact=True).evaluate("h => h.scrollIntoView()")
    shoot(page, "facility-receipt")


def main(url: str, password: str) -> None:
    OUT.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 860})
        for username, pages in (
            ("warehouse", warehouse_pages),
            ("auditor", auditor_pages),
            ("admin", admin_pages),
            ("rightholder", right_holder_pages),
            ("facility", facility_pages),
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
