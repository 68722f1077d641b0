"""The exporter's NetBox source against the stack's real NetBox: the families of docs/metrics.md ("From NetBox
(REST)") from a small regency, read over HTTP with a token that may only view; the cache between scrapes; NetBox
down, refusing or behind a dead proxy; a token of one agency; promtool on the exposition.

Needs NetBox: ``NETBOX_ROOT=<checkout>/.state/netbox EGOV_TESTING=1``. Objects are made through the ORM in the
test's transaction (netbox_monitoring_peers.py) and served by ``live_netbox`` (collectors/tests/netbox_peers.py).
"""

import logging
import subprocess
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from prometheus_client import CollectorRegistry, generate_latest
from tests.netbox_monitoring_peers import FEED_SUCCESS, GIB, LAST_DRILL, NEXT_DRILL
from tests.netbox_peers import LiveNetBox

from egov_exporter.netbox import Client, NetBoxSource

django_settings = pytest.importorskip("django.conf").settings
if not django_settings.configured:
    pytest.skip("needs NetBox: the stack's venv with pytest-django, NETBOX_ROOT and EGOV_TESTING=1",
                allow_module_level=True)

MBIT = 10**6 // 8  # one Mbit/s in bytes per second, the metrics' unit
JAKARTA = ZoneInfo("Asia/Jakarta")
PROMTOOL = "/usr/bin/promtool"
AGENCIES = ("mon-disdik", "mon-dinkes", "mon-bappeda", "mon-kesbangpol")
# One request per list: what a refresh costs, whatever the number of rows (all fit in one page here).
REFRESH_PATHS = {"/api/dcim/devices/", "/api/plugins/egov/bandwidth-quotas/", "/api/plugins/egov/schedules/",
                 "/api/plugins/egov/quota-usage/", "/api/plugins/egov/backbone-links/", "/api/dcim/cables/",
                 "/api/plugins/egov/dr-plans/", "/api/plugins/egov/domain-lists/", "/api/plugins/egov/compliance/"}


def source_of(live, token, **options):
    # A loaded machine: the first request loads NetBox's URL configuration and may take seconds.
    # The scrape waits for the whole refresh here: live_netbox serves only while the test's client call runs.
    return NetBoxSource(live.url, token, **{"timeout": 60, "wait": 120, **options})


def collected(live, source):
    return {family.name: family for family in live.call(source.collect)}


def values(families, name):
    """{label values in the family's order: value} of one family."""
    return {tuple(sample.labels.values()): sample.value for sample in families[name].samples}


def current(families, name):
    """{the other labels' values: the states at 1} of a state set (its last label is the state)."""
    states = {}
    for labels, value in values(families, name).items():
        states.setdefault(labels[:-1], set())
        if value == 1:
            states[labels[:-1]].add(labels[-1])
        else:
            assert value == 0, (name, labels, value)
    return states


def paths(served):
    return [request.split()[1].split("?")[0] for request in served]


# What is exported.


def test_quotas_give_what_is_in_force_now_the_cap_and_the_months_usage(monitored_regency, viewer_token,
                                                                        live_netbox):
    families = collected(live_netbox, source_of(live_netbox, viewer_token()))

    assert values(families, "egov_quota_ceiling_bytes_per_second") == {
        ("mon-disdik", "down"): 8 * MBIT, ("mon-disdik", "up"): 3 * MBIT,  # off hours
        ("mon-dinkes", "down"): 2 * MBIT, ("mon-dinkes", "up"): 2 * MBIT,  # throttled over its cap
        ("mon-bappeda", "down"): 20 * MBIT, ("mon-bappeda", "up"): 20 * MBIT,
    }
    # Never above the ceiling in force: disdik's upload and dinkes' rates are lowered to it.
    assert values(families, "egov_quota_guaranteed_bytes_per_second") == {
        ("mon-disdik", "down"): 5 * MBIT, ("mon-disdik", "up"): 3 * MBIT,
        ("mon-dinkes", "down"): 2 * MBIT, ("mon-dinkes", "up"): 2 * MBIT,
        ("mon-bappeda", "down"): 5 * MBIT, ("mon-bappeda", "up"): 5 * MBIT,
    }
    assert current(families, "egov_quota_limited") == {
        ("mon-disdik",): {"off-hours"}, ("mon-dinkes",): {"throttled"}, ("mon-bappeda",): {"none"}}
    assert values(families, "egov_quota_info") == {
        ("mon-disdik", "gw-disdik", "eth1", "mon-dc-kominfo", "notify"): 1,
        ("mon-dinkes", "gw-dinkes", "eth1", "mon-kantor-dinkes", "throttle"): 1,
        ("mon-bappeda", "", "", "", "notify"): 1,
    }
    assert values(families, "egov_quota_monthly_cap_bytes") == {("mon-disdik",): 100 * GIB, ("mon-dinkes",): 10 * GIB}
    # This month's rows only, the sources of an agency summed; an agency without a row has no series.
    assert values(families, "egov_quota_month_usage_bytes") == {
        ("mon-disdik", "down"): 90 * GIB, ("mon-disdik", "up"): 5 * GIB,
        ("mon-dinkes", "down"): 12 * GIB, ("mon-dinkes", "up"): GIB,
    }
    # The worst source's state (dinkes' second source alone is within); bappeda has none yet.
    assert current(families, "egov_quota_month_state") == {
        ("mon-disdik",): {"warning"}, ("mon-dinkes",): {"exceeded"}, ("mon-bappeda",): set()}
    assert {labels[-1] for labels in values(families, "egov_quota_month_state")} == {
        "within", "warning", "exceeded", "no-cap"}


def test_backbone_links_with_the_interfaces_at_the_ends_of_their_cable(monitored_regency, viewer_token,
                                                                       live_netbox):
    families = collected(live_netbox, source_of(live_netbox, viewer_token()))

    fibre = ("mon-BB-DC-DINKES", "mon-dc-kominfo", "mon-kantor-dinkes", "fiber")
    wireless = ("mon-BB-DC-DR", "mon-dc-kominfo", "mon-dr-klaten", "wireless-ptp")
    assert values(families, "egov_backbone_link_capacity_bytes_per_second") == {fibre: 1000 * MBIT,
                                                                               wireless: 100 * MBIT}
    assert current(families, "egov_backbone_link_status") == {fibre: {"active"}, wireless: {"down"}}
    assert {labels[-1] for labels in values(families, "egov_backbone_link_status")} == {
        "active", "planned", "down", "decommissioned"}
    assert values(families, "egov_backbone_link_endpoint_info") == {
        (*fibre, "core-1", "eth1", "a"): 1, (*fibre, "gw-dinkes", "eth0", "b"): 1}


def test_dr_plans_objectives_drills_at_jakarta_midnight_and_status(monitored_regency, viewer_token, live_netbox):
    families = collected(live_netbox, source_of(live_netbox, viewer_token()))

    drilled = ("mon-Kominfo DR", "mon-dc-kominfo", "mon-dr-klaten")
    draft = ("mon-Draft plan", "mon-kantor-dinkes", "mon-dc-kominfo")
    assert values(families, "egov_dr_plan_rpo_seconds") == {drilled: 15 * 60, draft: 60 * 60}
    assert values(families, "egov_dr_plan_rto_seconds") == {drilled: 240 * 60, draft: 480 * 60}
    midnight = datetime(LAST_DRILL.year, LAST_DRILL.month, LAST_DRILL.day, tzinfo=JAKARTA).timestamp()
    assert values(families, "egov_dr_plan_last_drill_timestamp_seconds") == {drilled: midnight}
    assert midnight % 86400 == 17 * 3600  # 17:00 UTC the day before
    due = datetime(NEXT_DRILL.year, NEXT_DRILL.month, NEXT_DRILL.day, tzinfo=JAKARTA).timestamp()
    assert values(families, "egov_dr_plan_next_drill_due_timestamp_seconds") == {drilled: due}
    assert values(families, "egov_dr_plan_last_drill_succeeded") == {drilled: 1}
    assert current(families, "egov_dr_plan_status") == {drilled: {"active"}, draft: {"draft"}}


def test_a_partial_drill_did_not_succeed(monitored_regency, viewer_token, live_netbox):
    from netbox_egov.models import DRPlan

    DRPlan.objects.filter(name="mon-Kominfo DR").update(last_drill_result="partial")
    families = collected(live_netbox, source_of(live_netbox, viewer_token()))
    assert values(families, "egov_dr_plan_last_drill_succeeded") == {
        ("mon-Kominfo DR", "mon-dc-kominfo", "mon-dr-klaten"): 0}


def test_domain_lists_sizes_and_a_feeds_refresh(monitored_regency, viewer_token, live_netbox):
    families = collected(live_netbox, source_of(live_netbox, viewer_token()))

    feed, typed = ("mon-TrustPositif", "gambling"), ("mon-Sosmed", "social-media")
    assert values(families, "egov_domain_list_domains") == {feed: 1234, typed: 2}
    # A hand-typed list is never refreshed: no interval, time or status.
    assert values(families, "egov_domain_list_refresh_interval_seconds") == {feed: 6 * 3600}
    assert values(families, "egov_domain_list_last_success_timestamp_seconds") == {feed: FEED_SUCCESS.timestamp()}
    assert current(families, "egov_domain_list_feed_status") == {feed: {"unreachable"}}
    assert {labels[-1] for labels in values(families, "egov_domain_list_feed_status")} == {
        "never", "ok", "unchanged", "unreachable", "refused"}


def test_compliance_checks_that_apply_and_the_share_passed(monitored_regency, viewer_token, live_netbox):
    from users.models import User

    from netbox_egov.compliance import scorecard

    families = collected(live_netbox, source_of(live_netbox, viewer_token()))

    checks = values(families, "egov_compliance_check")
    assert {agency for agency, _check in checks} == set(AGENCIES)
    assert {agency: checks[agency, "quota_assigned"] for agency in AGENCIES} == {
        "mon-disdik": 1, "mon-dinkes": 1, "mon-bappeda": 1, "mon-kesbangpol": 0}
    assert {checks[agency, "has_ict_officer"] for agency in AGENCIES} == {0}
    # The checks that do not apply (no information systems) have no series; the ratio counts the others.
    admin = User.objects.create(username="mon-compliance-admin", is_superuser=True)
    expected_checks, expected_scores = {}, {}
    for row in scorecard(admin):
        applicable = {name: passed for name, passed in row.checks.items() if passed is not None}
        expected_checks.update({(row.agency.slug, name): int(passed) for name, passed in applicable.items()})
        expected_scores[(row.agency.slug,)] = sum(applicable.values()) / len(applicable)
    assert ("mon-disdik", "systems_in_data_center") not in checks
    assert checks == expected_checks
    assert values(families, "egov_compliance_score_ratio") == pytest.approx(expected_scores)
    assert values(families, "egov_compliance_score_ratio")[("mon-kesbangpol",)] < 1


def test_device_labels_are_the_site_and_the_tenant(monitored_regency, viewer_token, live_netbox):
    source = source_of(live_netbox, viewer_token())
    assert live_netbox.call(source.device_labels) == {
        "core-1": {"site": "mon-dc-kominfo", "agency": ""},
        "gw-disdik": {"site": "mon-dc-kominfo", "agency": "mon-disdik"},
        "gw-dinkes": {"site": "mon-kantor-dinkes", "agency": "mon-dinkes"},
    }


def test_the_exposition_passes_promtool(monitored_regency, viewer_token, live_netbox):
    families = live_netbox.call(source_of(live_netbox, viewer_token()).collect)

    class Families:
        def collect(self):
            return families

    registry = CollectorRegistry()
    registry.register(Families())
    exposition = generate_latest(registry)
    assert b"egov_quota_ceiling_bytes_per_second{" in exposition
    checked = subprocess.run([PROMTOOL, "check", "metrics"], input=exposition, capture_output=True, timeout=60)
    reported = set((checked.stdout + checked.stderr).decode().splitlines())
    assert (checked.returncode, reported) == (0, set())


# The cache and the cost of a refresh.


def test_a_refresh_is_one_request_per_list_and_scrapes_within_the_interval_read_the_cache(
        monitored_regency, viewer_token, live_netbox):
    from netbox_egov.models import DomainList

    token = viewer_token()
    cached, eager = source_of(live_netbox, token, interval=3600), source_of(live_netbox, token, interval=0)
    first = collected(live_netbox, cached)
    assert sorted(paths(live_netbox.served)) == sorted(REFRESH_PATHS)
    assert cached.status.up and cached.status.last_success is not None and cached.status.duration_seconds > 0
    live_netbox.call(eager.collect)

    DomainList.objects.create(name="mon-Baru", category="games")
    assert values(collected(live_netbox, cached), "egov_domain_list_domains") == values(
        first, "egov_domain_list_domains")
    live_netbox.call(cached.device_labels)
    assert live_netbox.served == []
    # Once the interval has passed (at once, for an interval of 0), a scrape reads NetBox again.
    assert ("mon-Baru", "games") in values(collected(live_netbox, eager), "egov_domain_list_domains")
    assert sorted(paths(live_netbox.served)) == sorted(REFRESH_PATHS)


def test_long_lists_are_read_page_by_page_and_ids_in_chunks(monitored_regency, viewer_token, live_netbox):
    from dcim.models import Device

    client = Client(live_netbox.url + "api/", viewer_token(), timeout=60, page_size=2, id_chunk=2)
    names = live_netbox.call(lambda: sorted(row["name"] for row in client.rows("dcim/devices/", fields="name")))
    assert names == ["core-1", "gw-dinkes", "gw-disdik"]
    assert [request.split("?")[1] for request in live_netbox.served] == [
        "limit=2&offset=0&ordering=id&fields=id%2Cname", "limit=2&offset=2&ordering=id&fields=id%2Cname"]
    ids = {device.pk for device in Device.objects.all()}
    assert set(live_netbox.call(client.by_id, "dcim/devices/", ids, fields="id")) == ids
    assert len(live_netbox.served) == 2
    assert live_netbox.call(client.by_id, "dcim/devices/", set()) == {} and live_netbox.served == []


# Failures: the last good answer is kept, the reason logged without the token.


def test_netbox_going_down_keeps_the_last_answer(monitored_regency, viewer_token, caplog):
    token = viewer_token()
    netbox = LiveNetBox()  # its own server: closing it closes the port
    try:
        source = source_of(netbox, token, interval=0)
        good = netbox.call(source.collect)
        labels = netbox.call(source.device_labels)
        success = source.status.last_success
    finally:
        netbox.close()

    with caplog.at_level(logging.WARNING, logger="egov_exporter.netbox"):
        assert source.collect() == good
    assert source.device_labels() == labels
    assert (source.status.up, source.status.last_success) == (False, success)
    assert "GET /api/dcim/devices/ failed: ConnectionError" in caplog.text
    assert token.split(".")[-1] not in caplog.text


def test_a_stalled_netbox_times_out(monitored_regency, viewer_token, caplog):
    netbox = LiveNetBox()  # listening, never answering: nothing serves it
    try:
        source = NetBoxSource(netbox.url, viewer_token(), timeout=0.2, wait=30)
        with caplog.at_level(logging.WARNING, logger="egov_exporter.netbox"):
            assert source.collect() == []
    finally:
        netbox.close()
    assert (source.status.up, source.status.last_success) == (False, None)
    assert "GET /api/dcim/devices/ failed: ReadTimeout" in caplog.text


def test_a_scrape_does_not_wait_for_a_silent_netbox_beyond_its_wait(monitored_regency, viewer_token):
    """Prometheus gives up on a scrape after its timeout: the exporter answers from its cache while the refresh goes
    on in the background, and a second scrape does not start a second refresh."""
    netbox = LiveNetBox()  # listening, never answering
    try:
        source = NetBoxSource(netbox.url, viewer_token(), timeout=5, wait=0.1)
        assert source.snapshot() == ([], {})
        refreshing = source._refreshing
        assert refreshing is not None and refreshing.is_alive()  # answered before NetBox did
        assert source.snapshot() == ([], {}) and source._refreshing is refreshing
        assert source.status.up is False
        refreshing.join(30)
    finally:
        netbox.close()
    assert source._refreshing is None and source.status.up is False


def test_a_refused_token_keeps_the_last_answer_and_the_log_names_the_path_and_status(
        monitored_regency, viewer_token, live_netbox, caplog):
    from users.models import Token

    token = viewer_token()
    source = source_of(live_netbox, token, interval=0)
    good = live_netbox.call(source.collect)
    Token.objects.filter(user__username="mon-exporter").delete()

    with caplog.at_level(logging.WARNING, logger="egov_exporter.netbox"):
        assert live_netbox.call(source.collect) == good
    assert source.status.up is False and source.status.last_success is not None
    assert "GET /api/dcim/devices/ answered 403 Forbidden" in caplog.text
    assert token.split(".")[-1] not in caplog.text and token not in repr(source)


def test_a_token_without_view_on_one_list_is_down(monitored_regency, viewer_token, live_netbox, caplog):
    from users.models import ObjectPermission

    source = source_of(live_netbox, viewer_token())
    ObjectPermission.objects.filter(name="mon-exporter views netbox_egov.drplan").delete()
    with caplog.at_level(logging.WARNING, logger="egov_exporter.netbox"):
        assert live_netbox.call(source.collect) == []
    assert source.status.up is False
    assert "GET /api/plugins/egov/dr-plans/ answered 403 Forbidden" in caplog.text


def test_netbox_behind_a_dead_proxy_is_down_without_families(viewer_token, netbox_behind_down_proxy, caplog):
    source = NetBoxSource(netbox_behind_down_proxy, viewer_token())
    with caplog.at_level(logging.WARNING, logger="egov_exporter.netbox"):
        assert source.collect() == []
        assert source.device_labels() == {}
    assert (source.status.up, source.status.last_success) == (False, None)
    assert "GET /api/dcim/devices/ answered 502 Bad Gateway" in caplog.text


# Permissions, arguments.


def test_a_token_of_one_agency_gets_only_its_quota(monitored_regency, viewer_token, live_netbox):
    token = viewer_token("mon-tik-disdik", constraints={
        "tenancy.tenant": {"slug": "mon-disdik"},
        "netbox_egov.bandwidthquota": {"tenant__slug": "mon-disdik"},
        "netbox_egov.quotausage": {"tenant__slug": "mon-disdik"},
    })
    families = collected(live_netbox, source_of(live_netbox, token))

    for name in ("egov_quota_ceiling_bytes_per_second", "egov_quota_guaranteed_bytes_per_second",
                 "egov_quota_limited", "egov_quota_info", "egov_quota_monthly_cap_bytes",
                 "egov_quota_month_usage_bytes", "egov_quota_month_state", "egov_compliance_check",
                 "egov_compliance_score_ratio"):
        assert {labels[0] for labels in values(families, name)} == {"mon-disdik"}, name
    assert values(families, "egov_quota_month_usage_bytes") == {("mon-disdik", "down"): 90 * GIB,
                                                                ("mon-disdik", "up"): 5 * GIB}


def test_repr_hides_the_token_and_bad_arguments_are_named():
    source = NetBoxSource("https://netbox.example", "nbt_abc.s3cret", interval=30)
    assert repr(source) == "NetBoxSource('https://netbox.example/', interval=30.0, timeout=10.0)"
    for arguments, message in (
        (("netbox.example", "t"), "url 'netbox.example' is not NetBox's http:// or https:// address"),
        (("https://netbox.example", ""), "token is empty"),
        (("https://netbox.example", "t", {"interval": -1}), "interval -1 is not a number of seconds of 0 or more"),
        (("https://netbox.example", "t", {"timeout": 0}), "timeout 0 is not a number of seconds above 0"),
        (("https://netbox.example", "t", {"timeout": "10"}), "timeout '10' is not a number of seconds above 0"),
        (("https://netbox.example", "t", {"timeout": float("nan")}), "timeout nan is not a number of seconds above 0"),
    ):
        url, token, *options = arguments
        with pytest.raises(ValueError) as refused:
            NetBoxSource(url, token, **(options[0] if options else {}))
        assert str(refused.value).startswith(message)
