"""The whole scrape: the collectors' series labelled with NetBox's site and agency of each device, NetBox's families
and the exporter's own; either source down leaves the other's metrics served.

The NetBox tests need NetBox (``NETBOX_ROOT=<checkout>/.state/netbox EGOV_TESTING=1``): devices are made through the
ORM in the test's transaction and NetBox is served by ``live_netbox`` (collectors/tests/netbox_peers.py).
"""

import pytest
import redis
from django.conf import settings as django_settings
from tests.exporter_peers import TTL, interface, poll, scrape

from egov_collectors.store import CollectorStore
from egov_exporter.collectors import RedisSource
from egov_exporter.exporter import Exporter
from egov_exporter.netbox import NetBoxSource

# The tests with NetBox itself: only where pytest-django set NetBox up (not under -p no:django).
needs_netbox = pytest.mark.skipif(not django_settings.configured, reason="needs NetBox: NETBOX_ROOT, EGOV_TESTING=1")
TOKEN = "nbt_exporter.s3cret-of-the-test"


def test_both_sources_down_and_the_scrape_still_answers(closed_port):
    nowhere = f"http://127.0.0.1:{closed_port}/"
    exporter = Exporter(RedisSource(CollectorStore(redis.Redis(port=closed_port), ttl=TTL)),
                        NetBoxSource(nowhere, TOKEN, timeout=2), version="1.2.3")
    result = scrape(exporter.registry())
    assert result.value("egov_exporter_source_up", source="redis") == 0
    assert result.value("egov_exporter_source_up", source="netbox") == 0
    assert result.values("egov_exporter_source_last_success_timestamp_seconds") == {}
    assert result.value("egov_exporter_build_info", version="1.2.3") == 1
    assert "s3cret" not in result.text


@pytest.fixture
def regency_devices(db):
    """gw-disdik (site kantor-disdik, agency disdik) and core-1 (site dc-kominfo, no agency) in NetBox."""
    from dcim.models import Device, DeviceRole, DeviceType, Manufacturer, Site
    from tenancy.models import Tenant

    device_type = DeviceType.objects.create(manufacturer=Manufacturer.objects.create(name="Generic", slug="generic"),
                                            model="Box", slug="box")
    role = DeviceRole.objects.create(name="Gateway", slug="gateway")
    disdik = Tenant.objects.create(name="Dinas Pendidikan", slug="disdik")
    for name, site, tenant in (("gw-disdik", "kantor-disdik", disdik), ("core-1", "dc-kominfo", None)):
        Device.objects.create(name=name, device_type=device_type, role=role, tenant=tenant,
                              site=Site.objects.get_or_create(name=site, slug=site)[0])


@pytest.fixture
def read_only_token(db, api_token):
    from users.models import User

    return api_token(User.objects.create(username="egov-exporter", is_superuser=True), write_enabled=False)


@needs_netbox
def test_netbox_labels_the_collectors_series_and_a_redis_outage_keeps_netboxs_metrics(
        regency_devices, read_only_token, live_netbox, store, closed_port):
    for device in ("gw-disdik", "core-1", "sw-unknown"):
        store.write_device(poll(device, interfaces=[interface(1)]))
    source = RedisSource(store)
    exporter = Exporter(source, NetBoxSource(live_netbox.url, read_only_token, timeout=60, wait=120))

    result = live_netbox.call(lambda: scrape(exporter.registry()))
    assert result.value("egov_exporter_source_up", source="netbox") == 1
    assert result.value("egov_device_up", device="gw-disdik", site="kantor-disdik", agency="disdik") == 1
    assert result.value("egov_device_up", device="core-1", site="dc-kominfo", agency="") == 1
    assert result.value("egov_device_up", device="sw-unknown", site="", agency="") == 1  # not in NetBox
    assert result.value("egov_interface_oper_status", device="gw-disdik", site="kantor-disdik", agency="disdik",
                        interface="ether1") == 1
    from_netbox = {name for name in result.families if name.startswith(("egov_quota_", "egov_backbone_",
                                                                        "egov_dr_plan_", "egov_compliance_"))}
    assert from_netbox  # NetBox's families are in the scrape

    source.store = CollectorStore(redis.Redis(port=closed_port), ttl=TTL)  # Redis gone
    result = live_netbox.call(lambda: scrape(exporter.registry()))
    assert result.value("egov_exporter_source_up", source="redis") == 0
    assert result.value("egov_exporter_source_up", source="netbox") == 1
    assert from_netbox <= result.families.keys()
    assert result.values("egov_device_up") == {}
