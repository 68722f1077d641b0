"""The demo's monitoring side in NetBox, on the demo data in the test database: the monitoring user's read-only
token reads everything the exporter exports (its NetBox source, over HTTP) and writes nothing; the live demo's
loader path points the collectors at snmpsim agents on the loopback when `make demo` cannot build namespaces, and
back at the gateways' own addresses when it can.

NetBox is served from the test (``live_netbox``, collectors/tests/netbox_peers.py).
"""

import pytest
from django.db import transaction

from tests import netbox_peers

live_netbox = netbox_peers.live_netbox  # the fixture, in this module's namespace for pytest to find

# What the exporter's NetBox source and Prometheus' service discovery read (egov_exporter/netbox.py, the plugin's
# prometheus-sd views), and the compliance scorecard's agencies.
VIEWED = {"dcim.cable", "dcim.device", "dcim.devicerole", "dcim.interface", "dcim.platform", "dcim.site",
          "ipam.ipaddress", "tenancy.tenant", "netbox_egov.backbonelink", "netbox_egov.bandwidthquota",
          "netbox_egov.domainlist", "netbox_egov.drplan", "netbox_egov.quotausage", "netbox_egov.schedule"}


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):
    """The Klaten demo data, loaded once for the class in a transaction rolled back after it; the monitoring and
    collector tokens."""
    from netbox_egov.demo.collector import collector_data, demo_token
    from netbox_egov.demo.loader import load_demo

    with django_db_blocker.unblock(), transaction.atomic():
        load_demo()
        data = collector_data()
        yield {service: "nbt_{}.{}".format(*demo_token(data, service)) for service in ("monitoring", "collector")}
        transaction.set_rollback(True)


def family_samples(families, name):
    return [sample for family in families if family.name == name for sample in family.samples]


@pytest.mark.usefixtures("demo")
class TestDemoMonitoring:
    def test_the_monitoring_user_may_only_view_what_the_exporter_reads(self):
        from users.models import ObjectPermission, Token

        granted = {(f"{object_type.app_label}.{object_type.model}", action)
                   for permission in ObjectPermission.objects.filter(users__username="monitoring")
                   for object_type in permission.object_types.all() for action in permission.actions}
        assert granted == {(label, "view") for label in VIEWED}
        assert [token.write_enabled for token in Token.objects.filter(user__username="monitoring")] == [False]

    def test_the_exporter_reads_every_quota_link_plan_and_score_with_its_token(self, demo, live_netbox):
        from dcim.models import Device

        from egov_exporter.netbox import NetBoxSource
        from netbox_egov.models import BackboneLink, BandwidthQuota

        source = NetBoxSource(live_netbox.url, demo["monitoring"], timeout=60)
        families = live_netbox.call(source.collect)
        assert source.status.up
        ceilings = family_samples(families, "egov_quota_ceiling_bytes_per_second")
        assert {sample.labels["agency"] for sample in ceilings} == set(
            BandwidthQuota.objects.values_list("tenant__slug", flat=True))
        links = family_samples(families, "egov_backbone_link_capacity_bytes_per_second")
        assert len(links) == BackboneLink.objects.count() > 50
        assert family_samples(families, "egov_dr_plan_rpo_seconds")[0].value == 3600
        scores = family_samples(families, "egov_compliance_score_ratio")
        assert len(scores) > 50
        states = {s.labels["agency"] for s in family_samples(families, "egov_quota_month_state") if s.value == 1
                  and s.labels["state"] == "exceeded"}
        assert {"disdik", "kec-klaten-tengah"} <= states  # the demo's usage rows, read with the token's view
        labels = source.device_labels()
        assert len(labels) == Device.objects.count()
        assert labels["gw-disdik"] == {"site": "kantor-disdik", "agency": "disdik"}

    def test_prometheus_discovers_every_active_device_and_the_exporters_with_its_token(self, demo, live_netbox):
        import requests

        from dcim.models import Device

        def get(path):
            response = live_netbox.call(requests.get, live_netbox.url + path, timeout=60,
                                        headers={"Authorization": f"Bearer {demo['monitoring']}"})
            assert response.status_code == 200, response.text
            return response.json()

        groups = {group["labels"]["device"]: group for group in get("api/plugins/egov/prometheus-sd/devices/")}
        assert set(groups) == set(Device.objects.filter(status="active", primary_ip4__isnull=False)
                                  .values_list("name", flat=True))
        assert groups["gw-disdik"]["targets"] == ["10.10.5.1"]
        assert {key: groups["gw-disdik"]["labels"][key] for key in ("agency", "site", "role", "platform")} == {
            "agency": "disdik", "site": "kantor-disdik", "role": "gateway", "platform": "ios"}
        assert isinstance(get("api/plugins/egov/prometheus-sd/exporters/"), list)

    @pytest.mark.parametrize(("method", "path", "body"), [
        ("patch", "api/dcim/devices/{device}/", {"status": "offline"}),
        ("patch", "api/plugins/egov/bandwidth-quotas/{quota}/", {"monthly_cap_gb": 1}),
        ("post", "api/plugins/egov/quota-usage/upsert/", []),
    ])
    def test_the_monitoring_token_writes_nothing(self, demo, live_netbox, method, path, body):
        import requests

        from dcim.models import Device

        from netbox_egov.models import BandwidthQuota

        url = live_netbox.url + path.format(device=Device.objects.get(name="gw-disdik").pk,
                                            quota=BandwidthQuota.objects.get(tenant__slug="disdik").pk)
        response = live_netbox.call(requests.request, method, url, json=body, timeout=60,
                                    headers={"Authorization": f"Bearer {demo['monitoring']}"})
        assert response.status_code == 403, response.text


@pytest.mark.usefixtures("demo")
class TestLiveDemoAgents:
    def test_snmpsim_agents_take_the_live_gateways_to_the_loopback_and_back(self, demo, live_netbox, monkeypatch):
        from dcim.models import Device

        from egov_collectors.netbox import NetBox
        from netbox_egov.demo.collector import collector_data
        from netbox_egov.demo.loader import load_demo

        live = collector_data()["live_demo"]
        names = [gateway["device"] for gateway in live["gateways"]]

        def polled():
            netbox = NetBox(live_netbox.url, demo["collector"], timeout=60)
            return {t.device: (t.host, t.port) for t in live_netbox.call(netbox.targets)}

        with transaction.atomic():
            monkeypatch.setenv("EGOV_DEMO_AGENTS", "snmpsim")
            load_demo()
            targets = polled()
            assert [targets[name] for name in names] == [(f"127.0.0.{11 + n}", live["agent_port"])
                                                          for n in range(len(names))]
            assert targets["gw-setwan"] == ("10.10.3.1", 161)  # not simulated: at its own address
            assert targets["core-sw-01"] == ("10.0.0.2", 161)
            saved = {d.name: d.last_updated for d in Device.objects.filter(name__in=names)}
            load_demo()  # a second load in the same mode changes nothing
            assert {d.name: d.last_updated for d in Device.objects.filter(name__in=names)} == saved

            monkeypatch.setenv("EGOV_DEMO_AGENTS", "namespaces")
            load_demo()
            targets = polled()
            assert targets["gw-disdik"] == ("10.10.5.1", 161)
            assert not Device.objects.filter(name__in=names, local_context_data__isnull=False).exists()
            transaction.set_rollback(True)

    def test_an_unknown_agents_mode_names_the_variable_and_the_value(self, monkeypatch):
        from netbox_egov.demo.collector import collector_data, simulated_agent_addresses

        monkeypatch.setenv("EGOV_DEMO_AGENTS", "vms")
        with pytest.raises(ValueError, match="EGOV_DEMO_AGENTS must be one of namespaces, snmpsim, got 'vms'"):
            simulated_agent_addresses(collector_data())
