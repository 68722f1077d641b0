"""The RouterOS and IOS plays fed from NetBox, as a push from NetBox runs them: nb_inventory and the egov_gateway
lookup read the stack's NetBox (test database) with a read-only token; the connection inventory says only how to
reach the device. test_routeros.py and test_ios.py test the roles with data written in the inventory.

No RouterOS can run here: the router is the protocol-level stand-in of tests/routeros_peers.py (the RouterOS API
wire protocol, a configuration store). The IOS device is FakeNOS serving a recorded IOS XE configuration
(tests/ios_peers.py): check mode only, FakeNOS cannot apply configuration.

Needs NetBox: ``NETBOX_ROOT=<checkout>/.state/netbox EGOV_TESTING=1``.
"""

import json

from tests.ios_peers import RecordedIOS, recording
from tests.netbox_regency import netbox_environment, skip_without_netbox
from tests.routeros_peers import RouterOSStandIn, run_keeping_events, task_results

from egov_push import runner

skip_without_netbox()

USERNAME, PASSWORD = "egov-push", "s3cret-vendor"


def connection_inventory(path, host, variables):
    path.write_text(json.dumps({"all": {"hosts": {host: variables}}}))
    return path


def push(live_netbox, token, tmp_path, host, variables, check, envvars=None):
    inventory = [runner.NETBOX_INVENTORY, connection_inventory(tmp_path / f"{host}.json", host, variables)]
    environment = {**netbox_environment(live_netbox, token, tmp_path / "cache"), **(envvars or {})}
    return live_netbox.call(run_keeping_events, "site.yml", inventory, check, limit=host, envvars=environment)


def test_a_routeros_gateway_gets_its_queues_and_filter_from_netbox(regency, read_only_token, live_netbox, tmp_path):
    regency.quota("disdik", device="gw-ros", ceiling_down_mbps=30, ceiling_up_mbps=10, cap_action="throttle",
                  monthly_cap_gb=1, throttled_ceiling_mbps=4)
    regency.month_usage("disdik", 2)  # over its cap: the router gets the throttled ceiling
    regency.block("blocked.egov.test")
    with RouterOSStandIn(USERNAME, PASSWORD) as router:
        variables = {"routeros_gateway_api_host": "127.0.0.1", "routeros_gateway_api_port": router.port,
                     "routeros_gateway_api_tls": False, "routeros_gateway_api_username": USERNAME,
                     "routeros_gateway_api_password": PASSWORD}
        result, _events = push(live_netbox, read_only_token, tmp_path, "gw-ros", variables, check=False)
        assert result.hosts["gw-ros"].status == "changed", result.log
        queue = next(q for q in router.config.print("/queue/simple") if q["name"] == "egov-disdik")
        dns = [d["name"] for d in router.config.print("/ip/dns/static") if d.get("comment") == "egov-filter"]
    assert queue["target"] == "10.78.1.0/24"
    assert queue["max-limit"] == "4000000/4000000"
    assert dns == ["blocked.egov.test"]
    assert read_only_token not in result.log and PASSWORD not in result.log


def test_an_ios_gateway_previews_its_shaping_from_netbox(regency, read_only_token, live_netbox, tmp_path):
    regency.gateway("gw-ios-klaten", "ios", "GigabitEthernet2", "10.78.60.1")
    regency.quota("disdik", device="gw-ios-klaten", interface="GigabitEthernet2", ceiling_down_mbps=50)
    with RecordedIOS("gw-ios-klaten", USERNAME, PASSWORD, recording("running_config_before.txt")) as device:
        variables = {"ansible_host": "127.0.0.1", "ansible_port": device.port, "ansible_user": USERNAME,
                     "ansible_password": PASSWORD}
        # FakeNOS's host key is new on every start; ansible-connection's sockets stay in the test's folder.
        envvars = {"ANSIBLE_HOST_KEY_CHECKING": "False", "ANSIBLE_PERSISTENT_CONTROL_PATH_DIR": str(tmp_path / "pc")}
        result, events = push(live_netbox, read_only_token, tmp_path, "gw-ios-klaten", variables, check=True,
                              envvars=envvars)
    assert result.rc == 0, result.log
    sent = [line for task in task_results(events, "gw-ios-klaten").values()
            for item in task.get("results", [task]) for line in item.get("commands", [])]
    assert "20 permit ip any 10.78.1.0 0.0.0.255" not in sent  # one prefix: sequence 10
    assert "10 permit ip any 10.78.1.0 0.0.0.255" in sent
    assert "shape average 50000000" in sent
    assert "interface GigabitEthernet2" in sent
    assert PASSWORD not in result.log
