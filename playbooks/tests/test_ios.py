"""The ios_gateway role over SSH (network_cli, paramiko) against FakeNOS serving recorded IOS XE outputs.

What FakeNOS allows: a real SSH session, the prompts, enable, and a fixed answer per command, so the role's
reading of the device (the running configuration, the ACL views cisco.ios.ios_acls asks for) and everything it
decides from them are real: the commands each task would send in check mode, the preview's diff, and that a
device already holding the target configuration gets nothing (changed=0, in check mode and in a real run).

What FakeNOS does not allow: applying configuration. It has no configuration mode and its answers never
change, so nothing here shows that IOS accepts these commands, in this order, or that the result shapes
traffic; a real run that had something to send would fail at `configure terminal`. The recordings are written
in the format IOS XE 17.3 prints (playbooks/tests/recordings/ios/): no IOS device could be captured here.
"""

import json

import pytest
from tests.ios_peers import RecordedIOS, recording
from tests.routeros_peers import run_keeping_events, task_results

HOST = "gw-ios-klaten"
USERNAME, PASSWORD = "egov-push", "s3cret-ios-ssh"
INTERFACE = "GigabitEthernet2"
DISDIK = {"slug": "disdik", "rate_down_mbps": 10, "ceil_down_mbps": 50, "rate_up_mbps": 5, "ceil_up_mbps": 20,
          "prio": 2, "prefixes": ["10.20.0.0/24", "10.20.8.0/22"]}
DINKES = {"slug": "dinkes", "rate_down_mbps": 20, "ceil_down_mbps": 100, "rate_up_mbps": 10, "ceil_up_mbps": 40,
          "prio": 4, "prefixes": ["10.30.0.0/24", "10.30.1.7/32"]}
PREVIEW = "Preview the owned configuration, before and after"


def push(tmp_path, recorded, agencies=(DISDIK, DINKES), interface=INTERFACE, check=True):
    """The playbook against FakeNOS serving one recorded running configuration: (PushResult, events)."""
    with RecordedIOS(HOST, USERNAME, PASSWORD, recording(recorded)) as device:
        host = {"ansible_host": "127.0.0.1", "ansible_port": device.port, "ansible_user": USERNAME,
                "ansible_password": PASSWORD, "egov_agencies": list(agencies),
                "egov_enforcement_interface": interface}
        inventory = tmp_path / "hosts.json"
        groups = {"platforms_ios": {"hosts": {HOST: host}}, "egov_gateways": {"hosts": {HOST: {}}}}
        inventory.write_text(json.dumps(groups))
        # FakeNOS's host key is new on every start; ansible-connection's sockets stay in the test's folder.
        envvars = {"ANSIBLE_HOST_KEY_CHECKING": "False", "ANSIBLE_PERSISTENT_CONTROL_PATH_DIR": str(tmp_path / "pc")}
        return run_keeping_events("ios.yml", inventory, check, envvars=envvars)


def sent(events):
    """{task: the commands it sent, or would send in check mode} for the tasks with any."""
    commands = {}
    for name, result in task_results(events, HOST).items():
        lines = [line for item in result.get("results", [result]) for line in item.get("commands", [])]
        if lines:
            commands[name] = lines
    return commands


def assert_successful(result):
    assert result.rc == 0, result.log


@pytest.fixture(scope="module")
def first_preview(tmp_path_factory):
    """Check mode on a device holding another push's objects, drifted, and the operator's own."""
    return push(tmp_path_factory.mktemp("ios"), "running_config_before.txt")


def test_check_mode_says_what_it_would_send(first_preview):
    result, events = first_preview
    assert_successful(result)
    assert sent(events) == {
        "Remove what is owned but no longer intended": [
            "interface GigabitEthernet3", "no service-policy output EGOV-SHAPE",  # the policy moved to Gi2
            "policy-map EGOV-SHAPE", "no class EGOV-OLD",  # an agency no longer here
            "policy-map EGOV-SHAPE", "class EGOV-DISDIK", "no police cir 40000000",  # added by hand
            "class-map match-any EGOV-DISDIK", "no match dscp af11",
            "no class-map match-any EGOV-OLD",
        ],
        "Delete the ACLs of agencies no longer enforced here": ["no ip access-list extended EGOV-OLD"],
        "ACLs EGOV-<SLUG> match each agency's prefixes": [
            "ip access-list extended EGOV-DISDIK",
            "no 20 permit ip any 10.20.4.0 0.0.3.255", "20 permit ip any 10.20.8.0 0.0.3.255",
            "ip access-list extended EGOV-DINKES",
            "10 permit ip any 10.30.0.0 0.0.0.255", "20 permit ip any host 10.30.1.7",
        ],
        "Class-maps, the shaping policy-map and the interface's output policy": [
            "class-map match-any EGOV-DINKES", "match access-group name EGOV-DINKES",
            "policy-map EGOV-SHAPE", "class EGOV-DISDIK", "shape average 50000000",  # replaced, not removed first
            "class EGOV-DINKES", "bandwidth 20000", "shape average 100000000",
            "interface GigabitEthernet2", "service-policy output EGOV-SHAPE",
        ],
    }
    diff = task_results(events, HOST)[PREVIEW]["diff"]["prepared"].splitlines()
    for line in ("-ip access-list extended EGOV-OLD", "+ip access-list extended EGOV-DINKES",
                 "-  shape average 30000000", "+  shape average 50000000", "-  police cir 40000000",
                 "-interface GigabitEthernet3", "+interface GigabitEthernet2"):
        assert line in diff
    # Nothing foreign is even in the preview: the operator's own policy, class-map and ACLs.
    assert not [line for line in diff if "WAN-OUT" in line or "VOICE" in line or "MGMT" in line]


def test_a_device_holding_the_target_gets_nothing_in_check_mode(tmp_path):
    result, events = push(tmp_path, "running_config_applied.txt")
    assert_successful(result)
    assert (result.hosts[HOST].status, result.hosts[HOST].changed) == ("ok", 0)
    assert sent(events) == {}


def test_a_real_run_on_a_device_holding_the_target_changes_nothing(tmp_path):
    # FakeNOS has no configuration mode: any command the run tried to apply would fail the run.
    result, _events = push(tmp_path, "running_config_applied.txt", check=False)
    assert_successful(result)
    assert (result.hosts[HOST].status, result.hosts[HOST].changed) == ("ok", 0)


def test_no_agency_left_removes_every_owned_object_and_nothing_else(tmp_path):
    result, events = push(tmp_path, "running_config_applied.txt", agencies=())
    assert_successful(result)
    assert sent(events) == {
        "Remove what is owned but no longer intended": [
            "interface GigabitEthernet2", "no service-policy output EGOV-SHAPE",
            "no policy-map EGOV-SHAPE",
            "no class-map match-any EGOV-DINKES",
            "no class-map match-any EGOV-DISDIK",
        ],
        "Delete the ACLs of agencies no longer enforced here": [
            "no ip access-list extended EGOV-DINKES", "no ip access-list extended EGOV-DISDIK",
        ],
    }


def test_a_foreign_output_policy_on_the_interface_stops_the_push(tmp_path):
    result, events = push(tmp_path, "running_config_applied.txt", interface="GigabitEthernet1")
    assert result.hosts[HOST].status == "failed"
    results = task_results(events, HOST)
    failed = [name for name, result in results.items() if result["_event"] == "runner_on_failed"]
    assert failed == ["Work out what to remove"]
    assert "already has 'service-policy output WAN-OUT'" in results[failed[0]]["msg"]
    assert sent(events) == {}


def test_the_ssh_password_is_never_shown(first_preview):
    result, events = first_preview  # not masked by the runner (only the secrets it is given are)
    assert PASSWORD not in result.log
    assert PASSWORD not in json.dumps(events)
