"""Prometheus HTTP service discovery (api/sd.py, logic/prometheus_sd.py): the devices a token may view and the
exporters to scrape, in Prometheus' HTTP SD format, called the way Prometheus calls it (a token in the
Authorization header). On the Klaten demo, as the officer `tik.disdik` and the Dinas approver; the query count
on a small agency of its own; and the shipped Prometheus configuration (exporters/prometheus/prometheus.yml.example)
run by a real Prometheus (Debian's) against NetBox served on the test database."""

import shutil
import subprocess
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import registry_fixtures as fx
import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Q
from django.test import Client, TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from helpers import DemoClients, grant
from tests.netbox_peers import LiveNetBox, free_port
from tests.prometheus_example import adjusted_config

from dcim.models import Device, Interface, Site
from ipam.models import IPAddress
from tenancy.models import Tenant
from users.constants import TOKEN_PREFIX
from users.models import Token, User

from netbox_egov import EgovConfig
from netbox_egov.access import ensure_agency_access
from netbox_egov.logic.prometheus_sd import device_address, exporter_targets, exporters_groups
from netbox_egov.models import InformationSystem

DEVICES = "/api/plugins/egov/prometheus-sd/devices/"
EXPORTERS = "/api/plugins/egov/prometheus-sd/exporters/"
# What docs/monitoring.md gives the Prometheus user: view on these, nothing else.
LEAST_PRIVILEGE = ("dcim.device", "ipam.ipaddress", "dcim.site", "tenancy.tenant", "dcim.devicerole", "dcim.platform")
# Prometheus fetches at start, then applies what it found within seconds (its discovery manager batches updates).
DISCOVERY_DEADLINE = 60


def with_primary_ip(device, address, tenant=None):
    """Give the device an interface holding `address` (of the device's tenant unless another is given) and make
    it the primary IP of its family."""
    interface = Interface.objects.create(device=device, name=f"eth-{address.replace(':', '-').replace('/', '-')}",
                                         type="1000base-t")
    ip = IPAddress.objects.create(address=address, assigned_object=interface, tenant=tenant or device.tenant)
    setattr(device, f"primary_ip{ip.family}", ip)
    device.save()
    return device


def add_device(name, site, tenant, like, status="active", address=None):
    """A device shaped like `like` (its type and role) at `site`, with a primary IP if `address` is given."""
    device = Device.objects.create(name=name, site=site, tenant=tenant, device_type=like.device_type, role=like.role,
                                   status=status)
    return with_primary_ip(device, address) if address else device


def plugin_settings(**changes):
    """PLUGINS_CONFIG with these plugin settings changed, for override_settings."""
    return {**settings.PLUGINS_CONFIG, "netbox_egov": {**settings.PLUGINS_CONFIG["netbox_egov"], **changes}}


def watched(devices, addresses=None):
    """The ids among `devices` that SD lists by default: active, with a primary IP among `addresses` (any)."""
    addresses = IPAddress.objects.all() if addresses is None else addresses
    devices = devices.filter(status="active").filter(Q(primary_ip4__in=addresses) | Q(primary_ip6__in=addresses))
    return set(devices.values_list("pk", flat=True))


def ids(groups):
    return {int(group["labels"]["__meta_egov_device_id"]) for group in groups}


def group_of(groups, device):
    [group] = [group for group in groups if group["labels"]["__meta_egov_device_id"] == str(device.pk)]
    return group


@override_settings(LOGIN_REQUIRED=True, EXEMPT_VIEW_PERMISSIONS=[])
class DeviceTargetsTest(DemoClients, TestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.disdik, cls.dinkes = Tenant.objects.get(slug="disdik"), Tenant.objects.get(slug="dinkes")
        own_site, other_site = Site.objects.get(slug="kantor-disdik"), Site.objects.get(slug="kantor-dinkes")
        like = cls.own_gateway
        cls.planned = add_device("ap-disdik-baru", own_site, cls.disdik, like, status="planned",
                                 address="10.99.0.2/24")
        cls.without_ip = add_device("sw-disdik-tanpa-ip", own_site, cls.disdik, like)
        cls.ipv6_only = add_device("sw-disdik-v6", own_site, cls.disdik, like, address="2001:db8:5::10/64")
        with_primary_ip(cls.own_gateway, "2001:db8:5::1/64")  # dual stack: watched at its IPv4 address
        # Device names are unique per site: the same name at another agency's office is another device.
        cls.namesake = add_device(cls.own_gateway.name, other_site, cls.dinkes, like, address="10.99.1.1/24")
        # What the officer may not view is named nowhere: a store room no backbone link reaches, another
        # agency's server hosting the officer's system (its tenant), an address of another agency.
        store_room = Site.objects.create(name="Gudang arsip", slug="gudang-arsip")
        cls.in_store_room = add_device("sw-gudang", store_room, cls.disdik, like, address="10.99.2.1/24")
        cls.host = add_device("srv-bersama", store_room, cls.dinkes, like)
        with_primary_ip(cls.host, "10.99.3.1/24", tenant=cls.disdik)
        server_room = Site.objects.create(name="Ruang server", slug="ruang-server")  # the system's: visible
        InformationSystem.objects.create(name="SIM Sekolah", tenant=cls.disdik, site=server_room).devices.add(cls.host)
        cls.foreign_address = add_device("sw-disdik-ip-dinkes", own_site, cls.disdik, like)
        with_primary_ip(cls.foreign_address, "10.99.4.1/24", tenant=cls.dinkes)

    def get(self, path, user, **params):
        response = self.api("get", path, user, **params)
        return response, (response.json() if response["Content-Type"] == "application/json" else None)

    def test_the_dinas_gets_every_active_device_with_a_primary_ip(self):
        response, groups = self.get(DEVICES, self.dinas)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/json")  # exactly what Prometheus accepts
        self.assertEqual(ids(groups), watched(Device.objects.all()))
        self.assertGreater(len(groups), 20)
        self.assertNotIn(self.planned.pk, ids(groups))
        self.assertNotIn(self.without_ip.pk, ids(groups))
        for group in groups:  # the HTTP SD format: one target, labels all strings
            self.assertEqual(set(group), {"targets", "labels"})
            self.assertEqual(len(group["targets"]), 1)
            self.assertTrue(all(isinstance(value, str) for value in group["labels"].values()), group)

    def test_labels_describe_the_device_and_its_ipv4_address(self):
        _response, groups = self.get(DEVICES, self.dinas)
        gateway = Device.objects.get(pk=self.own_gateway.pk)
        address = str(gateway.primary_ip4.address.ip)
        self.assertEqual(group_of(groups, gateway), {
            "targets": [address],
            "labels": {
                "device": gateway.name,
                "agency": "disdik",
                "site": "kantor-disdik",
                "role": gateway.role.slug,
                "platform": gateway.platform.slug,
                "__meta_egov_device_id": str(gateway.pk),
                "__meta_egov_device_status": "active",
                "__meta_egov_primary_ip": address,
                "__meta_egov_tenant_name": self.disdik.name,
                "__meta_egov_site_name": gateway.site.name,
            },
        })

    def test_an_ipv6_only_device_is_a_bracketed_target(self):
        _response, groups = self.get(DEVICES, self.dinas)
        group = group_of(groups, self.ipv6_only)
        self.assertEqual(group["targets"], ["[2001:db8:5::10]"])
        self.assertEqual(group["labels"]["__meta_egov_primary_ip"], "2001:db8:5::10")
        self.assertEqual(group["labels"]["platform"], "")  # none set

    def test_devices_of_one_name_at_two_sites_are_two_targets(self):
        _response, groups = self.get(DEVICES, self.dinas)
        namesakes = [group for group in groups if group["labels"]["device"] == self.own_gateway.name]
        self.assertEqual({(group["labels"]["site"], group["labels"]["agency"], group["targets"][0])
                          for group in namesakes},
                         {("kantor-disdik", "disdik", group_of(groups, self.own_gateway)["targets"][0]),
                          ("kantor-dinkes", "dinkes", "10.99.1.1")})

    def test_an_officer_gets_only_the_devices_it_may_view(self):
        response, groups = self.get(DEVICES, self.officer)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(ids(groups), watched(Device.objects.restrict(self.officer, "view"),
                                              IPAddress.objects.restrict(self.officer, "view")))
        names = {group["labels"]["device"] for group in groups}
        self.assertIn("gw-disdik", names)
        self.assertIn("sw-disdik-v6", names)
        self.assertNotIn("gw-dinkes", names)
        self.assertNotIn(self.namesake.pk, ids(groups))
        self.assertEqual({group["labels"]["agency"] for group in groups}, {"disdik", ""})  # "": hidden

    def test_what_the_officer_may_not_view_is_named_nowhere(self):
        _response, groups = self.get(DEVICES, self.officer)
        self.assertNotIn(self.foreign_address.pk, ids(groups))  # no address it may view: no target
        hidden = {"site": "", "__meta_egov_site_name": ""}
        self.assertLessEqual(hidden.items(), group_of(groups, self.in_store_room)["labels"].items())
        self.assertEqual(group_of(groups, self.in_store_room)["labels"]["agency"], "disdik")
        labels = group_of(groups, self.host)["labels"]
        self.assertLessEqual({**hidden, "agency": "", "__meta_egov_tenant_name": ""}.items(), labels.items())
        self.assertEqual(group_of(groups, self.host)["targets"], ["10.99.3.1"])
        # The Dinas, who may view them, sees them named.
        _response, groups = self.get(DEVICES, self.dinas)
        self.assertIn(self.foreign_address.pk, ids(groups))
        self.assertEqual(group_of(groups, self.host)["labels"]["agency"], "dinkes")
        self.assertEqual(group_of(groups, self.in_store_room)["labels"]["site"], "gudang-arsip")

    def test_core_device_filters_select_a_subset(self):
        role = self.own_gateway.role.slug
        cases = {
            "role": ({"role": role}, Device.objects.filter(role__slug=role)),
            "site": ({"site": "kantor-dinkes"}, Device.objects.filter(site__slug="kantor-dinkes")),
            "tenant": ({"tenant": "disdik"}, Device.objects.filter(tenant__slug="disdik")),
        }
        for name, (params, expected) in cases.items():
            with self.subTest(name):
                response, groups = self.get(DEVICES, self.dinas, **params)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(ids(groups), watched(expected))
                self.assertGreater(len(groups), 0)
                self.assertLess(len(groups), len(watched(Device.objects.all())))

    def test_a_status_filter_replaces_the_default_of_active(self):
        _response, groups = self.get(DEVICES, self.dinas, status="planned")
        self.assertEqual(ids(groups), {self.planned.pk})
        self.assertEqual(groups[0]["labels"]["__meta_egov_device_status"], "planned")
        _response, groups = self.get(DEVICES, self.dinas, status__n="planned")
        self.assertNotIn(self.planned.pk, ids(groups))
        self.assertIn(self.own_gateway.pk, ids(groups))

    def test_filters_narrow_within_what_the_officer_may_view(self):
        _response, groups = self.get(DEVICES, self.officer, tenant="dinkes")
        self.assertEqual(ids(groups), {self.host.pk})  # the one Dinkes device it may view, not gw-dinkes

    def test_a_bad_filter_value_is_a_400_naming_the_parameter_and_value(self):
        cases = {
            "role": "no-such-role",
            "status": "bogus",
            "created": "2026-01-01T00:00:00+17:00",  # an offset PostgreSQL refuses: never a database error
        }
        for parameter, value in cases.items():
            with self.subTest(parameter):
                response, body = self.get(DEVICES, self.dinas, **{parameter: value})
                self.assertEqual(response.status_code, 400, response.content)
                self.assertIn(parameter, body)
                self.assertIn(value.split("T")[0] if parameter == "created" else value, str(body[parameter]))

    def test_both_token_forms_prometheus_can_send_are_accepted(self):
        """`authorization: {type: Bearer}` with a v2 token (nbt_<key>.<token>), `{type: Token}` with a v1 one."""
        v2 = Token.objects.create(user=self.dinas)
        v1 = Token.objects.create(user=self.dinas, version=1)
        for header in (f"Bearer {TOKEN_PREFIX}{v2.key}.{v2.token}", f"Token {v1.token}"):
            with self.subTest(header.split()[0]):
                response = Client().get(DEVICES, HTTP_AUTHORIZATION=header)
                self.assertEqual(response.status_code, 200, response.content)
                self.assertEqual(ids(response.json()), watched(Device.objects.all()))

    def test_anonymous_is_refused(self):
        for path in (DEVICES, EXPORTERS):
            with self.subTest(path):
                self.assertEqual(Client().get(path).status_code, 403)

    def test_a_token_that_may_not_view_devices_or_addresses_is_refused_not_answered_empty(self):
        """An empty answer would make Prometheus drop every target; a refusal keeps the ones it has."""
        user = User.objects.create(username="prometheus-salah")
        response, _groups = self.get(DEVICES, user)
        self.assertEqual(response.status_code, 403)
        grant(user, "dcim.device", ["view"])
        response, body = self.get(DEVICES, user)
        self.assertEqual(response.status_code, 403)
        self.assertIn("IP addresses", body["detail"])
        grant(user, "ipam.ipaddress", ["view"])
        response, groups = self.get(DEVICES, user)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(ids(groups), watched(Device.objects.all()))

    def test_no_exporters_by_default(self):
        """The plugin's default is no exporter (the stack's own configuration lists the demo's: not used here)."""
        from netbox_egov import EgovConfig

        default = EgovConfig.default_settings["prometheus_exporters"]
        self.assertEqual(default, [])
        with override_settings(PLUGINS_CONFIG=plugin_settings(prometheus_exporters=default)):
            response, groups = self.get(EXPORTERS, self.officer)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/json")
        self.assertEqual(groups, [])

    def test_exporters_come_from_the_setting(self):
        exporters = ["exporter-1.kominfo.klaten.go.id:9877", "10.0.0.9:9877", "[2001:db8::9]:9877"]
        with override_settings(PLUGINS_CONFIG=plugin_settings(prometheus_exporters=exporters)):
            response, groups = self.get(EXPORTERS, self.officer)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(groups, [{"targets": exporters, "labels": {"__meta_egov_job": "egov-exporter"}}])

    def test_a_bad_exporter_setting_names_the_setting_and_value(self):
        with (override_settings(PLUGINS_CONFIG=plugin_settings(prometheus_exporters=["exporter-1"])),
              self.assertRaisesMessage(ImproperlyConfigured, "prometheus_exporters: 'exporter-1' is not")):
            self.get(EXPORTERS, self.dinas)


class ConstantQueriesTest(TestCase):
    """The query count does not grow with the devices: 3 and 30 devices of an agency, as its officer (the
    constrained permissions of access.py), cost the same queries."""

    @classmethod
    def setUpTestData(cls):
        [cls.agency] = fx.agencies(1)
        [cls.site] = fx.sites(1)
        cls.officer = User.objects.create(username="tik.agency-1")
        cls.officer.groups.add(ensure_agency_access(cls.agency))
        token = Token.objects.create(user=cls.officer)
        cls.header = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN_PREFIX}{token.key}.{token.token}"}
        cls.like = fx.devices(cls.site, count=1)[0]  # the agency's officer may not view it: no tenant

    def add(self, start, count):
        for n in range(start, start + count):
            add_device(f"gw-{n}", self.site, self.agency, self.like, address=f"10.1.{n}.1/24")

    def count(self):
        with CaptureQueriesContext(connection) as queries:
            response = Client().get(DEVICES, {"role": "firewall"}, **self.header)
        self.assertEqual(response.status_code, 200)
        return len(response.json()), len(queries)

    def test_three_and_thirty_devices_cost_the_same_queries(self):
        self.add(0, 3)
        Client().get(DEVICES, **self.header)  # warm caches (content types, user config)
        devices, few = self.count()
        self.assertEqual(devices, 3)
        self.add(3, 27)
        devices, many = self.count()
        self.assertEqual(devices, 30)
        self.assertEqual(few, many, f"{few} queries for 3 devices, {many} for 30")


class SettingCheckedAtStartupTest(TestCase):
    def test_netbox_refuses_to_start_with_a_bad_exporter_setting(self):
        with self.assertRaisesMessage(ImproperlyConfigured, "prometheus_exporters must be a list"):
            EgovConfig.validate({"prometheus_exporters": "exporter-1:9877"}, "4.7.3")

    def test_the_default_is_no_exporters(self):
        config = {}
        EgovConfig.validate(config, "4.7.3")
        self.assertEqual(config["prometheus_exporters"], [])


@pytest.mark.parametrize("value", [
    ["exporter-1"],  # no port
    ["exporter-1:0"], ["exporter-1:65536"], ["exporter-1:http"],
    ["2001:db8::9:9877"],  # IPv6 without brackets
    ["[2001:db8::zz]:9877"], ["[]:9877"], [":9877"],
    ["http://exporter-1:9877"], ["exporter 1:9877"], ["-exporter.:9877"],
    [9877], ["a:1", "a:1"],
    "exporter-1:9877",  # one string, not a list
])
def test_bad_exporter_settings_are_refused_naming_the_value(value):
    with pytest.raises(ValueError, match="prometheus_exporters") as error:
        exporter_targets(value)
    assert repr(value if isinstance(value, str) else value[-1]) in str(error.value)


def test_good_exporter_settings_are_served_as_given():
    value = ("exporter_1:9877", "exporter-2.kominfo.klaten.go.id:1", "10.0.0.9:65535", "[::1]:9877")
    assert exporter_targets(value) == list(value)
    assert exporters_groups([]) == []


@pytest.mark.parametrize(("ip4", "ip6", "expected"), [
    ("10.0.0.1/24", None, ("10.0.0.1", "10.0.0.1")),
    ("10.0.0.1/24", "2001:db8::1/64", ("10.0.0.1", "10.0.0.1")),
    (None, "2001:db8::1/64", ("2001:db8::1", "[2001:db8::1]")),
    (None, "::ffff:10.0.0.1/128", ("::ffff:10.0.0.1", "[::ffff:10.0.0.1]")),  # an IPv6 address, dots and all
])
def test_device_address_prefers_ipv4_and_brackets_ipv6(ip4, ip6, expected):
    assert device_address(ip4, ip6) == expected


class DocumentedPrometheusConfigTest(TestCase):
    """exporters/prometheus/prometheus.yml.example, only what it marks ADJUST replaced (NetBox's URL, the token
    file, the rules' folder), passes `promtool check config` and makes a real Prometheus discover the devices and
    the exporter, labelled and relabeled as docs/monitoring.md says, with a read-only token of a user with that
    page's least privilege."""

    @classmethod
    def setUpTestData(cls):
        [agency] = fx.agencies(1)
        [site] = fx.sites(1)
        firewall = fx.devices(site, count=1)[0]
        gateway_role = firewall.role.__class__.objects.create(name="Gateway", slug="gateway")
        cls.expected = {  # device name -> its address as a probe's target
            "gw-1": "10.1.0.1", "gw-2": "2001:db8:1::1", "dev-1": "10.1.9.1",
        }
        add_device("gw-1", site, agency, firewall, address="10.1.0.1/24")
        add_device("gw-2", site, agency, firewall, address="2001:db8:1::1/64")
        Device.objects.filter(name__in=("gw-1", "gw-2")).update(role=gateway_role)
        with_primary_ip(firewall, "10.1.9.1/24")
        add_device("gw-3", site, agency, firewall, status="planned", address="10.1.3.1/24")  # not active: left out
        cls.prometheus_user = User.objects.create(username="prometheus")
        for label in LEAST_PRIVILEGE:
            grant(cls.prometheus_user, label, ["view"])
        token = Token.objects.create(user=cls.prometheus_user, write_enabled=False)
        cls.token = f"{TOKEN_PREFIX}{token.key}.{token.token}"

    def setUp(self):
        self.folder = Path(tempfile.mkdtemp(prefix="egov-sd-"))
        self.addCleanup(shutil.rmtree, self.folder)
        self.exporter = f"127.0.0.1:{free_port()}"

    def test_prometheus_discovers_everything_through_the_shipped_configuration(self):
        live = LiveNetBox()
        self.addCleanup(live.close)
        config = adjusted_config(self.folder, live.url, self.token)
        check = subprocess.run(["promtool", "check", "config", str(config)], capture_output=True, text=True)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        port = free_port()
        prometheus = subprocess.Popen(
            ["prometheus", f"--config.file={config}", f"--storage.tsdb.path={self.folder / 'data'}",
             f"--web.listen-address=127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL, stderr=(self.folder / "prometheus.log").open("w"))
        self.addCleanup(prometheus.wait, 30)
        self.addCleanup(prometheus.terminate)
        with override_settings(PLUGINS_CONFIG=plugin_settings(prometheus_exporters=[self.exporter])):
            pools = live.call(discovered, f"http://127.0.0.1:{port}", {"egov-exporter": 1, "egov-devices": 3,
                                                                       "egov-gateways-snmp": 2})
        log = (self.folder / "prometheus.log").read_text()[-3000:]
        self.assertEqual([target["labels"]["instance"] for target in pools["egov-exporter"]], [self.exporter], log)
        self.assertEqual(pools["egov-exporter"][0]["discoveredLabels"]["__meta_egov_job"], "egov-exporter")
        self.assertEqual(probed(pools["egov-devices"], "127.0.0.1:9115"), self.expected, log)
        self.assertEqual(probed(pools["egov-gateways-snmp"], "127.0.0.1:9116"),
                         {name: address for name, address in self.expected.items() if name.startswith("gw-")}, log)
        for target in pools["egov-devices"]:
            gateway = target["labels"]["device"].startswith("gw-")
            # Prometheus drops a label whose value is "" (dev-1 has no tenant, none a platform).
            self.assertEqual({key: target["labels"].get(key) for key in ("agency", "site", "role", "platform")},
                             {"agency": "agency-1" if gateway else None, "site": "site-1", "platform": None,
                              "role": "gateway" if gateway else "firewall"})
            self.assertFalse([key for key in target["labels"] if key.startswith("__")])


def discovered(prometheus, expected, deadline=DISCOVERY_DEADLINE):
    """Prometheus' active targets by job, once each job has its `expected` number (or at the deadline)."""
    stop = time.monotonic() + deadline
    while True:
        pools = defaultdict(list)
        try:
            for target in requests.get(f"{prometheus}/api/v1/targets", params={"state": "active"},
                                       timeout=5).json()["data"]["activeTargets"]:
                pools[target["scrapePool"]].append(target)
        except requests.ConnectionError:  # still starting
            pass
        if time.monotonic() > stop or all(len(pools[job]) == count for job, count in expected.items()):
            return pools
        time.sleep(0.5)


def probed(targets, prober):
    """device -> the address its target probes, checking that the probe goes to `prober` with that address as
    `target` and that the address is the instance."""
    found = {}
    for target in targets:
        url = urlsplit(target["scrapeUrl"])
        assert url.netloc == prober, target["scrapeUrl"]
        assert parse_qs(url.query)["target"] == [target["labels"]["instance"]], target["scrapeUrl"]
        found[target["labels"]["device"]] = target["labels"]["instance"]
    return found
