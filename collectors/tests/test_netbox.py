"""The NetBox client wrapper against the stack's real NetBox: what to poll (config-context profiles), the quotas,
the stored usage and the upsert, over HTTP with real tokens; and the demo's least-privilege collector token.

Needs NetBox: ``NETBOX_ROOT=<worktree>/.state/netbox EGOV_TESTING=1 .venv/bin/pytest collectors/tests/test_netbox.py``.
Objects are made through the ORM in the test's transaction and served by ``live_netbox`` (netbox_peers.py).
"""

import datetime
import socket

import pytest
import requests

from egov_collectors.accounting import Totals, UsageKey, usage_item, usage_row
from egov_collectors.model import Target
from egov_collectors.netbox import (
    NetBox,
    NetBoxRefused,
    NetBoxUnavailable,
    ProfileError,
    Quota,
    Skipped,
    device_target,
    polling_profile,
)

django_settings = pytest.importorskip("django.conf").settings
if not django_settings.configured:
    pytest.skip("needs NetBox: the stack's venv with pytest-django, NETBOX_ROOT and EGOV_TESTING=1",
                allow_module_level=True)

from django.db import transaction  # noqa: E402 (Django is set up: checked above)

GATEWAY_PROFILE = {"egov_polling": {"snmp": {"version": "2c", "credential": "gateways-v2c"}}}
BACKBONE_PROFILE = {"egov_polling": {"snmp": {"version": "3", "port": 1161, "timeout": 5, "retries": 2,
                                              "credential": "backbone-v3"}}}
LINUX_SSH_PROFILE = {"egov_polling": {"ssh": {"credential": "gw-linux", "port": 2222}}}
JAKARTA = datetime.timezone(datetime.timedelta(hours=7))
DAY = datetime.date(2026, 11, 27)
MONTH = datetime.date(2026, 11, 1)


# A small regency, made through the ORM.


class Regency:
    """Agencies with gateways, the Dinas' core switch, and config contexts by role and platform."""

    def __init__(self):
        from dcim.models import DeviceRole, DeviceType, Manufacturer, Platform, Site
        from extras.models import ConfigContext
        from tenancy.models import Tenant

        maker = Manufacturer.objects.create(name="Generic", slug="generic")
        self.device_type = DeviceType.objects.create(manufacturer=maker, model="Box", slug="box")
        self.roles = {slug: DeviceRole.objects.create(name=slug, slug=slug) for slug in ("gateway", "core", "printer")}
        self.platforms = {slug: Platform.objects.create(name=slug, slug=slug) for slug in ("routeros", "linux", "ios")}
        self.tenants = {slug: Tenant.objects.create(name=slug, slug=slug)
                        for slug in ("diskominfo", "disdik", "dinkes")}
        self.sites = {slug: Site.objects.create(name=slug, slug=f"kantor-{slug}", tenant=tenant)
                      for slug, tenant in self.tenants.items()}
        for name, data, roles, platforms in (("gateways", GATEWAY_PROFILE, ["gateway"], []),
                                             ("backbone", BACKBONE_PROFILE, ["core"], []),
                                             ("linux ssh", LINUX_SSH_PROFILE, ["gateway"], ["linux"])):
            context = ConfigContext.objects.create(name=name, data=data)
            context.roles.set([self.roles[slug] for slug in roles])
            context.platforms.set([self.platforms[slug] for slug in platforms])
        self.addresses = 0

    def device(self, name, role="gateway", platform="routeros", agency="disdik", status="active", address=True,
               local_context=None, interfaces=("ether1",)):
        from dcim.models import Device, Interface
        from ipam.models import IPAddress

        device = Device.objects.create(
            name=name, device_type=self.device_type, role=self.roles[role], platform=self.platforms[platform],
            tenant=self.tenants[agency], site=self.sites[agency], status=status, local_context_data=local_context,
        )
        for interface in interfaces:
            Interface.objects.create(device=device, name=interface, type="1000base-t")
        if address:
            self.addresses += 1
            ip = IPAddress.objects.create(address=f"10.9.{self.addresses // 250}.{self.addresses % 250 + 1}/24",
                                          assigned_object=device.interfaces.first())
            device.primary_ip4 = ip
            device.save()
        return device


@pytest.fixture
def regency(db):
    return Regency()


@pytest.fixture
def admin_token(db, api_token):
    from users.models import User

    return api_token(User.objects.create(username="collector-admin", is_superuser=True))


def netbox_of(live, token, **options):
    return NetBox(live.url, token, timeout=60, **options)  # a loaded CI machine: the first request loads NetBox


def ip_of(device):
    return str(device.primary_ip4.address).split("/")[0]


# What to poll.


def test_targets_are_the_active_devices_with_a_primary_ip_and_a_profile(regency, admin_token, live_netbox):
    gateway = regency.device("gw-disdik")
    linux = regency.device("gw-dinkes", platform="linux", agency="dinkes")
    core = regency.device("core-sw-01", role="core", platform="ios", agency="diskominfo")
    special = regency.device("gw-special", local_context={"egov_polling": {"snmp": {"credential": "special-v2c",
                                                                                      "port": 1161}}})
    regency.device("gw-planned", status="planned")
    regency.device("gw-no-ip", address=False)
    regency.device("printer-1", role="printer")  # no profile: not polled, and not an error either

    targets = live_netbox.call(netbox_of(live_netbox, admin_token).targets)

    assert targets.skipped == []
    assert sorted(targets, key=lambda target: target.device) == [
        Target(device="core-sw-01", host=ip_of(core), credential="backbone-v3", version="3", port=1161, timeout=5.0,
               retries=2, platform="ios", tenant="diskominfo", site="kantor-diskominfo", role="core",
               device_id=core.pk),
        Target(device="gw-dinkes", host=ip_of(linux), credential="gateways-v2c", platform="linux", tenant="dinkes",
               site="kantor-dinkes", role="gateway", device_id=linux.pk, ssh_credential="gw-linux", ssh_port=2222),
        Target(device="gw-disdik", host=ip_of(gateway), credential="gateways-v2c", platform="routeros",
               tenant="disdik", site="kantor-disdik", role="gateway", device_id=gateway.pk),
        # The device's local context overrides the role's, key by key.
        Target(device="gw-special", host=ip_of(special), credential="special-v2c", port=1161, platform="routeros",
               tenant="disdik", site="kantor-disdik", role="gateway", device_id=special.pk),
    ]
    (request,) = live_netbox.served
    assert request.startswith("GET /api/dcim/devices/?")
    assert "status=active" in request and "has_primary_ip=True" in request and "fields=" in request


def test_requests_do_not_grow_with_the_devices(regency, admin_token, live_netbox):
    for number in range(60):
        regency.device(f"gw-{number:02d}", interfaces=("ether1",))
    netbox = netbox_of(live_netbox, admin_token, page_size=25)

    assert len(live_netbox.call(netbox.targets)) == 60
    # Three pages of one list: nothing per device.
    served = live_netbox.served
    assert len(served) == 3 and all(request.startswith("GET /api/dcim/devices/?") for request in served)
    assert len(live_netbox.call(netbox_of(live_netbox, admin_token).targets)) == 60
    assert len(live_netbox.served) == 1


def test_a_bad_profile_skips_that_device_with_the_reason_and_the_rest_go_on(regency, admin_token, live_netbox):
    regency.device("gw-disdik")
    regency.device("gw-v1", local_context={"egov_polling": {"snmp": {"version": "1"}}})
    regency.device("gw-secret", local_context={"egov_polling": {"snmp": {"community": "kl4ten-public-9"}}})
    regency.device("gw-port", local_context={"egov_polling": {"snmp": {"port": 70000}}})

    targets = live_netbox.call(netbox_of(live_netbox, admin_token).targets)

    assert [target.device for target in targets] == ["gw-disdik"]
    reasons = {skipped.device: skipped.reason for skipped in targets.skipped}
    assert reasons == {
        "gw-v1": "gw-v1: egov_polling.snmp.version '1' is not '2c' or '3'",
        "gw-secret": "gw-secret: egov_polling.snmp has unknown keys community (known: version, port, timeout, "
                     "retries, credential; secrets never go in NetBox: name a credential)",
        "gw-port": "gw-port: egov_polling.snmp.port 70000 is not a whole number from 1 to 65535",
    }


def test_named_devices_that_cannot_be_polled_say_why(regency, admin_token, live_netbox):
    regency.device("gw-disdik")
    regency.device("gw-planned", status="planned")
    regency.device("gw-no-ip", address=False)
    regency.device("printer-1", role="printer")
    names = ["gw-disdik", "gw-planned", "gw-no-ip", "printer-1", "gw-nowhere"]

    targets = live_netbox.call(netbox_of(live_netbox, admin_token).targets, names)

    assert [target.device for target in targets] == ["gw-disdik"]
    assert sorted(targets.skipped, key=lambda skipped: skipped.device) == [
        Skipped("gw-no-ip", "gw-no-ip: has no primary IP"),
        Skipped("gw-nowhere", "gw-nowhere: no such device in NetBox"),
        Skipped("gw-planned", "gw-planned: status is 'planned', not 'active'"),
        Skipped("printer-1", "printer-1: has no egov_polling in its config context"),
    ]
    assert len(live_netbox.served) == 1


@pytest.mark.parametrize(("profile", "message"), [
    ([], "gw: egov_polling must be an object, not list"),
    ({"ssh": {}}, "gw: egov_polling.snmp is missing"),
    ({"ssh": {"port": 22}}, "gw: egov_polling.ssh.credential is missing"),
    ({"snmp": {"credential": "a"}, "snmpv3": {}}, "gw: egov_polling has unknown keys snmpv3"),
    ({"snmp": "2c"}, "gw: egov_polling.snmp must be an object, not str"),
    ({"snmp": {}}, "gw: egov_polling.snmp.credential is missing"),
    ({"snmp": {"credential": "gateways v2c"}}, "gw: egov_polling.snmp.credential: credential name 'gateways v2c' "
                                                "is not valid"),
    ({"snmp": {"credential": "a", "version": 2}}, "gw: egov_polling.snmp.version 2 is not '2c' or '3'"),
    ({"snmp": {"credential": "a", "port": "161"}}, "gw: egov_polling.snmp.port '161' is not a whole number"),
    ({"snmp": {"credential": "a", "port": True}}, "gw: egov_polling.snmp.port True is not a whole number"),
    ({"snmp": {"credential": "a", "retries": 11}}, "gw: egov_polling.snmp.retries 11 is not a whole number from 0"),
    ({"snmp": {"credential": "a", "timeout": 0}}, "gw: egov_polling.snmp.timeout 0 is not a number of seconds"),
    ({"snmp": {"credential": "a", "timeout": 61}}, "gw: egov_polling.snmp.timeout 61 is not a number of seconds"),
    ({"snmp": {"credential": "a"}, "ssh": {"password": "kl4ten"}}, "gw: egov_polling.ssh has unknown keys password"),
    ({"snmp": {"credential": "a"}, "ssh": {"port": 22}}, "gw: egov_polling.ssh.credential is missing"),
])
def test_a_bad_profile_names_the_device_the_field_and_the_value(profile, message):
    with pytest.raises(ProfileError) as caught:
        polling_profile("gw", profile)
    assert str(caught.value).startswith(message)
    assert "kl4ten" not in str(caught.value)


def test_profile_defaults_and_the_integer_version_3():
    snmp, ssh = polling_profile("gw", {"snmp": {"credential": "backbone-v3", "version": 3, "timeout": 1.5}})
    assert snmp == {"version": "3", "port": 161, "timeout": 1.5, "retries": 1, "credential": "backbone-v3"}
    assert ssh == {}


def test_a_profile_without_snmp_is_read_over_ssh_only():
    profile = {"ssh": {"credential": "switches"}, "napalm": {"optional_args": {"global_delay_factor": 2}}}
    assert polling_profile("sw", profile) == (None, {"credential": "switches", "port": 22})
    row = {"id": 1, "name": "sw", "status": {"value": "active"}, "primary_ip": {"address": "10.0.0.1/32"},
           "config_context": {"egov_polling": profile}}
    assert device_target(row) is None


# Quotas.


def test_quotas_with_their_enforcement_point_and_whose_interface_it_is(regency, admin_token, live_netbox):
    from netbox_egov.models import BandwidthQuota

    gateway = regency.device("gw-disdik", interfaces=("ether1", "ether2"))
    core = regency.device("core-sw-01", role="core", agency="diskominfo", interfaces=("Gi1/0/1", "Gi1/0/5"))
    quotas = {
        "disdik": BandwidthQuota(tenant=regency.tenants["disdik"], enforcement_device=gateway,
                                 enforcement_interface=gateway.interfaces.get(name="ether2"), monthly_cap_gb=500),
        # Enforced on the Dinas' core switch: the port's counters are not the agency's own.
        "dinkes": BandwidthQuota(tenant=regency.tenants["dinkes"], enforcement_device=core,
                                 enforcement_interface=core.interfaces.get(name="Gi1/0/5")),
        "diskominfo": BandwidthQuota(tenant=regency.tenants["diskominfo"]),
    }
    for quota in quotas.values():
        quota.guaranteed_down_mbps = quota.guaranteed_up_mbps = quota.ceiling_down_mbps = quota.ceiling_up_mbps = 10
        quota.full_clean()
        quota.save()

    found = live_netbox.call(netbox_of(live_netbox, admin_token).quotas)

    assert sorted(found, key=lambda quota: quota.tenant) == [
        Quota(id=quotas["dinkes"].pk, tenant="dinkes", monthly_cap_gb=None, enforcement_device="core-sw-01",
              enforcement_device_id=core.pk, enforcement_interface="Gi1/0/5", interface_device="core-sw-01",
              interface_is_agency=False),
        Quota(id=quotas["disdik"].pk, tenant="disdik", monthly_cap_gb=500, enforcement_device="gw-disdik",
              enforcement_device_id=gateway.pk, enforcement_interface="ether2", interface_device="gw-disdik",
              interface_is_agency=True),
        Quota(id=quotas["diskominfo"].pk, tenant="diskominfo", monthly_cap_gb=None, enforcement_device=None,
              enforcement_device_id=None, enforcement_interface=None, interface_device=None,
              interface_is_agency=False),
    ]
    # The quotas, then the owners of the interfaces' devices in one list.
    assert [request.split("?")[0] for request in live_netbox.served] == [
        "GET /api/plugins/egov/bandwidth-quotas/", "GET /api/dcim/devices/"]


# Usage: stored totals and the upsert.


def usage(tenant, period, start, total, observed_hour, source="gw-disdik"):
    """An upsert item as the ledger writes it."""
    observed_at = datetime.datetime(2026, 11, 27, observed_hour, tzinfo=JAKARTA).timestamp()
    return usage_item(UsageKey(tenant, period, start, source),
                      Totals(bytes_in=total * 9 // 10, bytes_out=total // 10, samples=observed_hour * 12,
                             observed_at=observed_at))


def keyed(rows):
    """Rows (NetBox's answers or upsert items) by their key: {UsageKey: Totals}, one row a key."""
    by_key = dict(usage_row(row) for row in rows)
    assert len(by_key) == len(rows)
    return by_key


def test_upsert_then_stored_totals_resume_from_what_netbox_holds(regency, admin_token, live_netbox):
    netbox = netbox_of(live_netbox, admin_token)
    written = [usage("disdik", "day", DAY, 10_000_000, 12), usage("disdik", "month", MONTH, 900_000_000, 12),
               usage("dinkes", "day", DAY, 5_000, 12, source="gw-dinkes")]

    assert keyed(live_netbox.call(netbox.upsert, written)) == keyed(written)
    assert keyed(live_netbox.call(netbox.stored_totals, [DAY, MONTH])) == keyed(written)
    assert keyed(live_netbox.call(netbox.stored_totals, [DAY], sources=["gw-dinkes"])) == keyed(written[2:])
    assert live_netbox.call(netbox.stored_totals, [datetime.date(2026, 10, 1)]) == []

    # A replay of an older sample changes nothing; a newer one replaces the totals.
    older, newer = usage("disdik", "day", DAY, 1, 11), usage("disdik", "day", DAY, 20_000_000, 13)
    assert keyed(live_netbox.call(netbox.upsert, [older])) == keyed(written[:1])
    assert keyed(live_netbox.call(netbox.upsert, [newer])) == keyed([newer])
    assert keyed(live_netbox.call(netbox.stored_totals, [DAY], sources=["gw-disdik"])) == keyed([newer])


@pytest.mark.parametrize(("item", "message"), [
    (usage("nowhere", "day", DAY, 1, 12), "Object with slug=nowhere does not exist."),
    (usage("disdik", "month", DAY, 1, 12), "A monthly period starts on the 1st (got 2026-11-27)."),
])
def test_an_upsert_netbox_refuses_raises_refused_with_its_message(regency, admin_token, live_netbox, item, message):
    netbox = netbox_of(live_netbox, admin_token)
    good = usage("disdik", "day", DAY, 1, 12)
    with pytest.raises(NetBoxRefused) as caught:
        live_netbox.call(netbox.upsert, [good, item])
    assert caught.value.status == 400
    assert message in caught.value.message
    # All or nothing: the good item of the refused list is not stored.
    assert live_netbox.call(netbox.stored_totals, [DAY, MONTH]) == []


def test_a_token_without_permission_is_refused_and_never_shown(db, live_netbox, api_token):
    from users.models import User

    token = api_token(User.objects.create(username="nobody-in-particular"))
    netbox = netbox_of(live_netbox, token)
    for call, arguments in ((netbox.targets, ()), (netbox.quotas, ()), (netbox.upsert, ([usage("x", "day", DAY, 1,
                                                                                                  12)],))):
        with pytest.raises(NetBoxRefused) as caught:
            live_netbox.call(call, *arguments)
        assert caught.value.status == 403
        assert "permission" in caught.value.message
        assert token.split(".")[1] not in f"{caught.value!s} {caught.value!r} {netbox!r}"


def test_netbox_down_is_unavailable_not_refused(netbox_behind_down_proxy, closed_port):
    upsert_items = [usage("disdik", "day", DAY, 1, 12)]
    for url, status in ((f"http://127.0.0.1:{closed_port}/", None), (netbox_behind_down_proxy, 502)):
        netbox = NetBox(url, "nbt_abcdefghijkl.secret0secret0secret0secret0secret0secret0", timeout=5)
        for call, arguments in ((netbox.targets, ()), (netbox.stored_totals, ([DAY],)),
                                (netbox.upsert, (upsert_items,))):
            with pytest.raises(NetBoxUnavailable) as caught:
                call(*arguments)
            assert caught.value.status == status, url
            assert "secret0" not in str(caught.value)


def test_a_netbox_that_never_answers_times_out():
    # The kernel accepts the connection; nobody ever reads the request.
    with socket.create_server(("127.0.0.1", 0)) as silent:
        netbox = NetBox(f"http://127.0.0.1:{silent.getsockname()[1]}/", "nbt_abcdefghijkl.secret", timeout=0.5)
        for call, arguments in ((netbox.targets, ()), (netbox.upsert, ([usage("disdik", "day", DAY, 1, 12)],))):
            with pytest.raises(NetBoxUnavailable, match="ReadTimeout"):
                call(*arguments)


# The demo's collector: its permissions are exactly what the wrapper needs.


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):
    """The Klaten demo data, loaded once for the class in a transaction rolled back after it."""
    from netbox_egov.demo.collector import collector_data, demo_token
    from netbox_egov.demo.loader import load_demo

    with django_db_blocker.unblock(), transaction.atomic():
        load_demo()
        key, secret = demo_token(collector_data())
        yield f"nbt_{key}.{secret}"
        transaction.set_rollback(True)


@pytest.mark.usefixtures("demo")
class TestDemoCollector:
    def test_its_permissions_are_view_on_what_it_reads_and_add_change_on_usage_only(self):
        from users.models import ObjectPermission

        granted = {
            (f"{object_type.app_label}.{object_type.model}", action)
            for permission in ObjectPermission.objects.filter(users__username="collector")
            for object_type in permission.object_types.all()
            for action in permission.actions
        }
        reads = ("dcim.device", "dcim.interface", "dcim.platform", "dcim.devicetype", "tenancy.tenant",
                 "netbox_egov.bandwidthquota", "netbox_egov.quotausage", "netbox_egov.finding")
        writes = {(label, action) for label in ("netbox_egov.quotausage", "netbox_egov.finding")
                  for action in ("add", "change")}
        assert granted == {(label, "view") for label in reads} | writes

    def test_every_demo_device_with_a_primary_ip_is_polled_by_its_role(self, demo, live_netbox):
        from dcim.models import Device

        targets = live_netbox.call(netbox_of(live_netbox, demo).targets)

        assert targets.skipped == []
        assert {target.device for target in targets} == set(
            Device.objects.filter(primary_ip4__isnull=False).values_list("name", flat=True))
        by_name = {target.device: target for target in targets}
        assert len(by_name) > 50
        assert (by_name["core-sw-01"].version, by_name["core-sw-01"].credential) == ("3", "backbone-v3")
        assert (by_name["fw-01"].version, by_name["fw-01"].role) == ("3", "firewall")
        hospital = by_name["gw-rsud-bagaswaras"]
        assert (hospital.version, hospital.credential, hospital.platform, hospital.tenant, hospital.ssh_credential,
                hospital.ssh_port) == ("2c", "gateways-v2c", "linux", "rsud-bagaswaras", "gw-linux", 22)
        assert (by_name["gw-setda"].platform, by_name["gw-setda"].ssh_credential) == ("routeros", "")
        assert by_name["gw-setda"].host == "10.10.2.1"

    def test_the_token_reads_quotas_and_writes_usage(self, demo, live_netbox):
        from netbox_egov.models import BandwidthQuota, QuotaUsage

        netbox = netbox_of(live_netbox, demo)
        quotas = {quota.tenant: quota for quota in live_netbox.call(netbox.quotas)}
        assert len(quotas) == BandwidthQuota.objects.count() > 50
        assert quotas["disdik"].enforcement_device == "gw-disdik"

        start = datetime.date(2026, 12, 1)
        item = usage("disdik", "day", start, 123_456, 12, source="egov-collector")
        assert keyed(live_netbox.call(netbox.upsert, [item])) == keyed([item])
        assert QuotaUsage.objects.get(tenant__slug="disdik", source="egov-collector").bytes_in == item["bytes_in"]
        key, totals = usage_row(item)
        assert keyed(live_netbox.call(netbox.stored_totals, [start]))[key] == totals

    @pytest.mark.parametrize(("method", "path", "body"), [
        ("post", "api/dcim/devices/", {"name": "rogue", "device_type": 1, "role": 1, "site": 1}),
        ("patch", "api/dcim/devices/{device}/", {"status": "offline"}),
        ("post", "api/tenancy/tenants/", {"name": "Rogue", "slug": "rogue"}),
        ("patch", "api/plugins/egov/bandwidth-quotas/{quota}/", {"monthly_cap_gb": 1}),
        ("delete", "api/plugins/egov/quota-usage/{usage}/", None),
        ("post", "api/extras/config-contexts/", {"name": "rogue", "data": {}}),
        ("post", "api/users/tokens/", {"user": 1}),
    ])
    def test_the_token_cannot_write_anything_else(self, demo, live_netbox, method, path, body):
        from dcim.models import Device

        from netbox_egov.models import BandwidthQuota, QuotaUsage

        url = live_netbox.url + path.format(device=Device.objects.get(name="gw-disdik").pk,
                                            quota=BandwidthQuota.objects.first().pk,
                                            usage=QuotaUsage.objects.first().pk)
        answer = live_netbox.call(requests.request, method, url, json=body, timeout=60,
                                  headers={"Authorization": f"Bearer {demo}", "Accept": "application/json"})
        assert answer.status_code == 403, answer.text
