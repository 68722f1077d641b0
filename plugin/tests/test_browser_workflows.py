"""The main workflows in a real browser (Debian's chromium driven by Playwright), on the Klaten demo, in
Indonesian: the officer `tik.disdik` (Dinas Pendidikan) and the Dinas `approver.kominfo`, logged in through the
login form. What a user reads is checked against the plugin's catalogue, so a string left untranslated fails.

The demo is loaded once for the module (browser.KlatenInBrowser); the tests run in file order and each
leaves the demo as the next expects it. EGOV_SCREENSHOTS=docs/screenshots also writes the screenshots the
README shows.
"""

import re
import threading
import time
from datetime import date, timedelta

import pytest
from browser import ADMIN, KlatenInBrowser
from django.db import connections
from django.urls import reverse
from django.utils import translation
from helpers import plugin_models
from playwright.sync_api import expect

from dcim.models import Device
from tenancy.models import Tenant
from users.models import User

from netbox_egov.models import BandwidthQuota, DomainList, Push

# The tests read the demo from the test database; the live server writes it (committed, in its own thread).
pytestmark = pytest.mark.django_db

OFFICER, DINAS = "tik.disdik", "approver.kominfo"
# A Thursday morning in Klaten: the social-media policy (office hours) is in force.
OFFICE_HOURS = "2026-11-26T09:00:00%2B07:00"


@pytest.fixture(scope="module")
def klaten(request, django_db_setup, django_db_blocker):
    started = time.perf_counter()
    with KlatenInBrowser(django_db_blocker) as session:
        yield session
    # Printed past pytest's capture, so `make test` shows where the module's time goes.
    with request.config.pluginmanager.getplugin("capturemanager").global_and_fixture_disabled():
        print(f"\nbrowser workflows: {time.perf_counter() - started:.1f} s for the module")
        for name, seconds in session.timings.items():
            print(f"  {name}: {seconds:.1f} s")


@pytest.fixture(autouse=True)
def timed(request, klaten):
    started = time.perf_counter()
    yield
    klaten.timings[request.node.name] = time.perf_counter() - started


def indonesian(msgid, **values):
    """`msgid` as the Indonesian catalogue has it (formatted with `values`); fails if it is not translated."""
    with translation.override("id"):
        text = translation.gettext(msgid)
    assert text != msgid, f"no Indonesian for {msgid!r}"
    return text.format(**values) if values else text


def toasts(page):
    return page.locator("#django-messages")


def submit(page, button):
    """Click a button that posts a form, and wait for the page it leads to, requests made once loaded included."""
    with page.expect_navigation(wait_until="networkidle"):
        button.click()


def committed(work):
    """Run `work` as the live server's requests run: in a thread of its own, whose database connection commits
    (the test's own connection is inside the test's transaction, which the live server never sees)."""
    def run():
        try:
            work()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()


def run_queued_job(job_pk):
    """Run one job the UI queued, as NetBox's worker would, taking it off the queue: no stray job stays in Redis."""
    import django_rq

    from core.models import Job

    def work():
        job = Job.objects.get(pk=job_pk)
        queue = django_rq.get_queue(job.queue_name)
        queued = queue.fetch_job(str(job.job_id))
        queue.remove(queued)
        queued.perform()
        queued.delete()

    committed(work)


def record_a_push():
    """The record of a preview push to gw-disdik, as the push job leaves it: the demo runs none (no gateway)."""
    def work():
        gateway = Device.objects.get(name="gw-disdik")
        push = Push.objects.create(gateway=gateway, gateway_name=gateway.name, mode="preview", trigger="manual",
                                   reason="Uji peramban", requested_by=User.objects.get(username=DINAS),
                                   status="ok",
                                   hosts={gateway.name: {"status": "ok", "ok": 3, "changed": 0, "messages": []}})
        push.tenants.set([gateway.tenant])

    committed(work)


def assert_no_problems(klaten, allowed=()):
    problems = [problem for problem in klaten.take_problems() if not any(text in problem for text in allowed)]
    assert not problems, "\n".join(problems)


#
# The workflows
#

def test_officer_submits_a_recommendation_and_the_dinas_approves_it(klaten):
    disdik = Tenant.objects.get(slug="disdik")
    title = "Switch akses ruang guru (uji peramban)"
    officer = klaten.open(OFFICER, f"{reverse('plugins:netbox_egov:recommendation_add')}?tenant={disdik.pk}&kind=lan")
    officer.fill("input[name=title]", title)
    officer.fill("textarea[name=justification]", "Ruang guru lantai 2 belum terjangkau jaringan.")
    submit(officer, officer.locator("button[name=_create]"))
    detail = officer.url
    assert "/recommendations/" in detail and "/add/" not in detail, officer.inner_text("body")[:2000]
    submit(officer, officer.get_by_role("button", name=indonesian("Submit to the Dinas")))
    expect(toasts(officer)).to_contain_text(
        indonesian("Recommendation {name}: {status}.", name=title, status=indonesian("Submitted")))
    # The officer has no approve step.
    expect(officer.get_by_role("button", name=indonesian("Approve"), exact=True)).to_have_count(0)

    dinas = klaten.open(DINAS, detail.removeprefix(klaten.url))
    dinas.fill("#valid_until", (date.today() + timedelta(days=365)).isoformat())
    submit(dinas, dinas.get_by_role("button", name=indonesian("Approve"), exact=True))
    expect(toasts(dinas)).to_contain_text(
        indonesian("Recommendation {name}: {status}.", name=title, status=indonesian("Approved")))

    officer.reload()
    expect(officer.locator(".page-body")).to_contain_text(indonesian("Approved"))
    klaten.screenshot(officer, "recommendation")
    assert_no_problems(klaten)


def test_cable_label_fix_previewed_applied_and_printed(klaten):
    # The fix writes only cables its user may change: in the demo, the administrator's (see browser.py).
    admin = klaten.open(ADMIN, reverse("plugins:netbox_egov:cable_labels"))
    wrong = admin.locator("#cable-label-check .egov-label-wrong, #cable-label-check .egov-label-missing").count()
    expect(admin.locator("#cable-label-check .egov-label-wrong").first).to_have_text(indonesian("Wrong"))
    submit(admin, admin.get_by_role("button", name=indonesian("Preview the fix")))
    fixed = admin.locator("#label-preview input[name=cable_id]").evaluate_all("inputs => inputs.map(i => i.value)")
    assert len(fixed) == wrong > 0
    admin.locator("#label-preview").scroll_into_view_if_needed()
    klaten.screenshot(admin, "cable-labels")
    submit(admin, admin.get_by_role("button", name=indonesian("Write these labels")))
    writing = indonesian("Writing {count} cable labels in job {job}.").split("{job}")[0]
    expect(toasts(admin)).to_contain_text(writing.format(count=len(fixed)))
    run_queued_job(int(admin.url.rstrip("/").rsplit("/", 1)[1]))

    klaten.open(ADMIN, reverse("plugins:netbox_egov:cable_labels"))
    expect(admin.locator("#cable-label-check .egov-label-wrong")).to_have_count(0)
    submit(admin, admin.get_by_role("button", name=indonesian("Preview the fix")))
    expect(admin.locator("#label-preview")).to_contain_text(indonesian("Nothing to fix."))

    # The Dinas prints the labels of the cables it picks.
    dinas = klaten.open(DINAS, reverse("plugins:netbox_egov:cable_labels"))
    for cable_id in fixed[:3]:
        dinas.check(f"#cable-label-check input[name=cable_id][value='{cable_id}']")
    with dinas.expect_download() as download:
        dinas.get_by_role("button", name=indonesian("Label sheet (PDF) for the selected cables")).click()
    with open(download.value.path(), "rb") as sheet:
        assert sheet.read(5) == b"%PDF-"
    assert download.value.suggested_filename == "cable-labels.pdf"
    # A download ends the navigation that asked for it: chromium reports that request as aborted, rightly.
    assert_no_problems(klaten, allowed=("sheet.pdf?cable_id",))


def test_quota_edit_refused_when_the_uplink_would_be_oversubscribed(klaten):
    quota = BandwidthQuota.objects.select_related("uplink").get(tenant__slug="disdik")
    others = sum(BandwidthQuota.objects.filter(uplink=quota.uplink).exclude(pk=quota.pk)
                 .values_list("guaranteed_down_mbps", flat=True))
    capacity = quota.uplink.capacity_mbps
    asked = capacity - others + 40
    dinas = klaten.open(DINAS, reverse("plugins:netbox_egov:bandwidthquota_edit", kwargs={"pk": quota.pk}))
    dinas.fill("input[name=guaranteed_down_mbps]", str(asked))
    dinas.fill("input[name=ceiling_down_mbps]", str(asked))
    submit(dinas, dinas.locator("button[name=_update]"))
    expect(dinas.locator("form.object-edit")).to_contain_text(indonesian(
        "Guaranteed download rates behind uplink {uplink} would total {total} Mbps "
        "({own} Mbps here), over its capacity of {capacity} Mbps by {excess} Mbps.",
        uplink=quota.uplink, total=capacity + 40, own=asked, capacity=capacity, excess=40))
    klaten.screenshot(dinas, "quota-refused")

    valid = quota.guaranteed_down_mbps + 5
    dinas.fill("input[name=guaranteed_down_mbps]", str(valid))
    dinas.fill("input[name=ceiling_down_mbps]", str(quota.ceiling_down_mbps))
    submit(dinas, dinas.locator("button[name=_update]"))
    assert dinas.url.rstrip("/").endswith(f"/bandwidth-quotas/{quota.pk}"), dinas.inner_text("form")[:2000]
    quota.refresh_from_db()
    assert quota.guaranteed_down_mbps == valid
    klaten.screenshot(dinas, "quota")
    assert_no_problems(klaten)


def test_domains_added_to_a_list_change_the_compiled_filter(klaten):
    social = DomainList.objects.get(name="Media sosial")
    disdik = Tenant.objects.get(slug="disdik")
    dinas = klaten.open(DINAS, disdik.get_absolute_url())
    compiled = dinas.locator("a", has_text="unbound").get_attribute("href")
    compiled_at_office_hours = f"{compiled}&at={OFFICE_HOURS}"
    before = klaten.open(DINAS, compiled_at_office_hours).inner_text("body")
    assert 'local-zone: "sosmed-baru.example."' not in before

    klaten.open(DINAS, reverse("plugins:netbox_egov:domainlist_entries", kwargs={"pk": social.pk}))
    dinas.fill("textarea[name=entries]", "sosmed-baru.example\nvideo-pendek.example\n")
    submit(dinas, dinas.get_by_role("button", name=indonesian("Import"), exact=True))
    expect(toasts(dinas)).to_contain_text(
        indonesian("The list now holds {count} domains.", count=social.domain_count + 2))
    klaten.screenshot(dinas, "domain-list")

    after = klaten.open(DINAS, compiled_at_office_hours).inner_text("body")
    for domain in ("sosmed-baru.example.", "video-pendek.example."):
        assert f'local-zone: "{domain}"' in after
    assert after != before
    assert_no_problems(klaten)


def test_officer_gets_404_for_another_agencys_pages(klaten):
    dinkes_gateway = Device.objects.get(name="gw-dinkes")
    dinkes_quota = BandwidthQuota.objects.get(tenant__slug="dinkes")
    for path in (dinkes_gateway.get_absolute_url(), dinkes_quota.get_absolute_url(),
                 Tenant.objects.get(slug="dinkes").get_absolute_url()):
        klaten.open(OFFICER, path, expect_status=404)
    # Their own are there.
    klaten.open(OFFICER, Device.objects.get(name="gw-disdik").get_absolute_url())
    klaten.open(OFFICER, BandwidthQuota.objects.get(tenant__slug="disdik").get_absolute_url())
    assert_no_problems(klaten, allowed=("HTTP 404", "status of 404"))


#
# Every plugin page
#

# Pages the README shows: screenshot name -> a function of the demo giving the path.
SCREENSHOTS = {
    "agencies": lambda: reverse("plugins:netbox_egov:agency_list"),
    "agency": lambda: Tenant.objects.get(slug="disdik").get_absolute_url(),
    "compliance": lambda: reverse("plugins:netbox_egov:compliance"),
    "backbone-map": lambda: reverse("plugins:netbox_egov:backbone_map"),
    "site-filtering": lambda: DomainList.objects.get(name="Media sosial").get_absolute_url(),
}


def plugin_pages(dinas):
    """The plugin's pages in the menu as the Dinas has it, one object page per plugin model, and the pages
    the screenshots show."""
    links = dinas.locator("aside a[href^='/plugins/egov/']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")
    details = [model.objects.order_by("pk").first().get_absolute_url() for model in plugin_models()
               if model.objects.exists()]
    return list(dict.fromkeys([*links, *details, *(path() for path in SCREENSHOTS.values())]))


def test_every_plugin_page_opens_without_an_error(klaten):
    record_a_push()
    dinas = klaten.open(DINAS, "/")
    pages = plugin_pages(dinas)
    assert len(pages) > 40
    empty = [model._meta.model_name for model in plugin_models() if not model.objects.exists()]
    assert not empty, f"the demo has no {empty}: their pages go untested"
    screenshots = {path(): name for name, path in SCREENSHOTS.items()}
    failures = []
    for path in pages:
        response = dinas.goto(f"{klaten.url}{path}")
        # The panels and tables htmx loads once the page is there: wait for them, not for a quiet network.
        dinas.wait_for_function("!document.querySelector('.htmx-request')")
        if response.status != 200:
            failures.append(f"{path}: HTTP {response.status}")
        if path in screenshots:
            klaten.screenshot(dinas, screenshots[path])
    failures += klaten.take_problems()
    assert not failures, f"{len(failures)} problems on {len(pages)} pages:\n" + "\n".join(failures)


def test_backbone_map_pans_zooms_and_highlights(klaten):
    dinas = klaten.open(DINAS, reverse("plugins:netbox_egov:backbone_map"))
    timing = dinas.evaluate("""() => {
        const [navigation] = performance.getEntriesByType("navigation");
        return {dom: navigation.domContentLoadedEventEnd, load: navigation.loadEventEnd,
                sites: document.querySelectorAll(".egov-site").length,
                links: document.querySelectorAll(".egov-link").length};
    }""")
    # Seconds from the request to the page's DOM being ready and to its load event (the map's script has run).
    klaten.timings[f"map page ({timing['sites']} sites, {timing['links']} links): DOM ready"] = timing["dom"] / 1000
    klaten.timings["map page: load event"] = timing["load"] / 1000
    svg = dinas.locator(".egov-map-frame svg")
    home = svg.get_attribute("viewBox")

    dinas.click("[data-map-action=zoom-in]")
    zoomed = svg.get_attribute("viewBox")
    assert float(zoomed.split()[2]) < float(home.split()[2]), (home, zoomed)

    box = svg.bounding_box()
    dinas.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    dinas.mouse.down()
    dinas.mouse.move(box["x"] + box["width"] / 2 + 120, box["y"] + box["height"] / 2 + 60, steps=5)
    dinas.mouse.up()
    panned = svg.get_attribute("viewBox")
    assert panned.split()[:2] != zoomed.split()[:2], (zoomed, panned)

    dinas.click("[data-map-action=reset]")
    assert [float(n) for n in svg.get_attribute("viewBox").split()] == [float(n) for n in home.split()]
    dinas.locator(".egov-site").first.click()
    expect(svg).to_have_class(re.compile(r"\begov-focus\b"))
    assert dinas.locator(".egov-link.egov-on").count() > 0
    assert_no_problems(klaten)
