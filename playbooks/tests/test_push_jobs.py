"""Pushes asked for in NetBox, run as its worker runs them (netbox_egov.pushes.run_push, the body of PushJob):
NetBox's data served by the stack's NetBox on the test database, the real Linux gateway of tests/gateway_peers.py
reached over SSH, the push recorded on its Push object. Who may ask, the lock and the automatic pushes are in
plugin/tests/test_pushes.py.

Needs NetBox: ``NETBOX_ROOT=<checkout>/.state/netbox EGOV_TESTING=1`` (and root, for the namespaces).
"""

import pytest
from tests.netbox_regency import skip_without_netbox

skip_without_netbox()

HOST = "gw-test"


class Logger:
    def __init__(self):
        self.lines = []

    def info(self, message):
        self.lines.append(message)


@pytest.fixture
def push_settings(settings, read_only_token, live_netbox, gateway, tmp_path):
    """The plugin's push settings: this NetBox, the read-only token in an owner-only file, the gateway's
    connection inventory (how to reach it; what to enforce comes from NetBox)."""
    token_file = tmp_path / "push-token"
    token_file.write_text(read_only_token + "\n")
    token_file.chmod(0o600)
    settings.PLUGINS_CONFIG = {**settings.PLUGINS_CONFIG, "netbox_egov": {
        **settings.PLUGINS_CONFIG["netbox_egov"], "push_netbox_url": live_netbox.url,
        "push_token_file": str(token_file), "push_inventories": [str(gateway.inventory(HOST))]}}
    return read_only_token


def run(regency, live_netbox, mode):
    from netbox_egov import pushes

    push = pushes.request_push(regency.devices[HOST], mode)
    pushes.run_push(push, Logger(), call=live_netbox.call)
    push.refresh_from_db()
    return push


def shaping(gateway):
    return gateway.in_gateway("tc", "class", "show", "dev", "eth1")


def test_a_preview_records_the_diff_and_changes_nothing(regency, push_settings, live_netbox, gateway):
    gateway.reset()
    regency.quota("disdik", ceiling_down_mbps=10, ceiling_up_mbps=10)
    before = shaping(gateway)
    push = run(regency, live_netbox, "preview")
    assert push.status == "changed", push.log
    assert push.hosts[HOST]["status"] == "changed"
    assert "+class htb 1:10 parent 1:1 prio 3 rate 5Mbit ceil 10Mbit" in push.diff
    assert shaping(gateway) == before
    assert push_settings not in push.log + push.diff  # the token never reaches the record
    assert list(push.tenants.values_list("slug", flat=True)) == ["disdik"]


def test_an_apply_enforces_and_the_next_one_changes_nothing(regency, push_settings, live_netbox, gateway):
    gateway.reset()
    regency.quota("disdik", ceiling_down_mbps=10, ceiling_up_mbps=10)
    applied = run(regency, live_netbox, "apply")
    assert applied.status == "changed", applied.log
    assert "ceil 10Mbit" in shaping(gateway)
    assert applied.started <= applied.completed
    again = run(regency, live_netbox, "apply")
    assert (again.status, again.hosts[HOST]["changed"]) == ("ok", 0), again.log
    assert again.diff == ""


def test_a_failed_push_is_recorded_with_the_failed_task_and_the_old_policy_stays(regency, push_settings,
                                                                                  live_netbox, gateway):
    from dcim.models import Interface

    gateway.reset()
    quota = regency.quota("disdik", ceiling_down_mbps=10, ceiling_up_mbps=10)
    assert run(regency, live_netbox, "apply").status == "changed"
    before = shaping(gateway)
    Interface.objects.filter(pk=quota.enforcement_interface_id).update(name="eth9")  # no such link on the gateway
    failed = run(regency, live_netbox, "apply")
    assert failed.status == "failed", failed.log
    assert any("eth9" in message for message in failed.hosts[HOST]["messages"]), failed.hosts
    assert shaping(gateway) == before
