"""The routeros_gateway role against a RouterOS API stand-in (playbooks/tests/routeros_peers.py).

A stand-in, because no RouterOS can run here. The playbook runs unchanged (community.routeros.api_modify over
librouteros, the real wire protocol, to 127.0.0.1) against a server that stores the configuration the way
RouterOS prints it back. What this proves: what the role sends (which queues and DNS entries it adds, sets
and removes, with which values), that a second run finds nothing to change, that check mode only reads, and
that queues not named egov-* and DNS entries without the filter's comment are never touched.

What it does not prove: that a real RouterOS accepts these values or prints them exactly so (the stand-in
follows RouterOS 7's documented behaviour, not a capture of a device), that the queues shape traffic or the
entries answer NXDOMAIN, ordering relative to foreign queues, or the API over TLS.
"""

import importlib.util
import json
from pathlib import Path

import pytest
from tests.routeros_peers import RouterOSStandIn, changed_tasks, run_keeping_events, task_results

from egov_push.runner import MASK

HOST = "gw-mikrotik"
USERNAME, PASSWORD = "egov-push", "s3cret-routeros-api"
QUEUES, DNS = "/queue/simple", "/ip/dns/static"
QUEUE_TASK = "Simple queues egov-<slug> hold each agency's quota"
DNS_TASK = "DNS static entries of the compiled site filter"
DOMAINS_PY = Path(__file__).resolve().parents[2] / "plugin/netbox_egov/logic/domains.py"

DISDIK = {"slug": "disdik", "rate_down_mbps": 10, "ceil_down_mbps": 50, "rate_up_mbps": 5, "ceil_up_mbps": 20,
          "prio": 2, "prefixes": ["10.20.0.0/24", "10.20.8.0/22"]}
DINKES = {"slug": "dinkes", "rate_down_mbps": 20, "ceil_down_mbps": 100, "rate_up_mbps": 10, "ceil_up_mbps": 40,
          "prio": 4, "prefixes": ["10.30.0.0/24", "2001:db8:30::/48"]}


def compiled_filter(domains):
    """The compiled filter as /api/plugins/egov/compiled-filter/routeros/ returns it: the plugin's own
    compiler for the body (loaded by path: it imports no Django), a header like the endpoint's."""
    spec = importlib.util.spec_from_file_location("egov_domains", DOMAINS_PY)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    header = (f"# egov-netops site filter for {HOST}\n# policies: Judi online\n"
              f"# blocked: judi, domains: {len(domains)}\n")
    return header + module.compile_routeros(domains)


def seed(config):
    """What the router holds before the role first runs: the operator's own queues and DNS entries, and
    leftovers of an earlier push (a queue of an agency since removed, a domain since unblocked)."""
    config.add(QUEUES, {"name": "guest-wifi", "target": "192.168.88.0/24", "max-limit": "5M/10M"})
    config.add(QUEUES, {"name": "egovernment-lab", "target": "192.168.90.0/24", "max-limit": "1M/1M"})
    config.add(QUEUES, {"name": "egov-old", "target": "10.99.0.0/24", "max-limit": "1M/1M"})
    config.add(DNS, {"name": "router.lan", "address": "192.168.88.1"})
    config.add(DNS, {"name": "blocked-by-hand.example", "type": "NXDOMAIN", "comment": "ops"})
    config.add(DNS, {"name": "unblocked.example", "type": "NXDOMAIN", "match-subdomain": "yes",
                     "comment": "egov-filter"})


def foreign(queues, dns):
    """The entries the role must never touch."""
    return ([q for q in queues if not q["name"].startswith("egov-")],
            [d for d in dns if d.get("comment") != "egov-filter"])


def untouchable(scenario):
    return foreign(scenario["initial"][QUEUES], scenario["initial"][DNS])


def write_inventory(path, port, agencies, filter_text):
    host = {
        "routeros_gateway_api_host": "127.0.0.1", "routeros_gateway_api_port": port,
        "routeros_gateway_api_tls": False,
        "routeros_gateway_api_username": USERNAME, "routeros_gateway_api_password": PASSWORD,
        "egov_agencies": agencies, "egov_enforcement_interface": "bridge-lan",
        "egov_filter_entries": filter_text, "egov_filter_comment": "egov-filter",
    }
    path.write_text(json.dumps({"platforms_routeros": {"hosts": {HOST: host}}, "egov_gateways": {"hosts": {HOST: {}}}}))
    return path


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    """Check mode, apply, apply again, then drift and new data: each run's result and events, the writes it made and the
    configuration after it (one stand-in and one sequence, as a push history on one router)."""
    base = tmp_path_factory.mktemp("routeros")
    runs = {}
    with RouterOSStandIn(USERNAME, PASSWORD) as router:
        seed(router.config)
        initial = {path: router.config.print(path) for path in (QUEUES, DNS)}
        inventory = write_inventory(base / "hosts.json", router.port, [DISDIK, DINKES],
                                    compiled_filter(["judi.example", "*.slot.example"]))

        def run(name, check=False, inventory=inventory):
            before = len(router.commands)
            result, events = run_keeping_events("routeros.yml", inventory, check)
            runs[name] = {"result": result, "events": events,
                          "writes": [c for c in router.commands[before:] if c in router.writes()],
                          "queues": router.config.print(QUEUES), "dns": router.config.print(DNS)}

        run("check", check=True)
        run("apply")
        run("again")
        # Drift by hand on an owned queue, one agency gone, a ceiling lowered, the filter changed.
        owned = next(q for q in router.config.print(QUEUES) if q["name"] == "egov-disdik")
        router.config.set(QUEUES, owned[".id"], {"disabled": "yes", "comment": "paused by hand"})
        throttled = {**DISDIK, "ceil_down_mbps": 15}
        run("converge", inventory=write_inventory(base / "hosts2.json", router.port, [throttled],
                                                  compiled_filter(["judi.example", "poker.example"])))
        yield {"initial": initial, "runs": runs}


def by_name(entries):
    return {entry["name"]: entry for entry in entries}


def test_check_mode_shows_the_diff_and_only_reads(scenario):
    check = scenario["runs"]["check"]
    assert check["result"].rc == 0, check["result"].log
    assert check["writes"] == []
    assert check["queues"] == scenario["initial"][QUEUES] and check["dns"] == scenario["initial"][DNS]
    results = task_results(check["events"], HOST)
    assert changed_tasks(check["events"], HOST) == sorted([QUEUE_TASK, DNS_TASK])
    queue_diff = results[QUEUE_TASK]["diff"]
    assert [q["name"] for q in queue_diff["before"]["data"]] == ["egov-old"]
    assert sorted(q["name"] for q in queue_diff["after"]["data"]) == ["egov-dinkes", "egov-disdik"]
    dns_diff = results[DNS_TASK]["diff"]
    assert [d["name"] for d in dns_diff["before"]["data"]] == ["unblocked.example"]
    assert sorted(d["name"] for d in dns_diff["after"]["data"]) == ["judi.example", "slot.example"]


def test_first_apply_creates_queues_and_filter_and_leaves_the_rest(scenario):
    apply = scenario["runs"]["apply"]
    assert apply["result"].rc == 0, apply["result"].log
    queues = by_name(apply["queues"])
    assert set(queues) == {"guest-wifi", "egovernment-lab", "egov-disdik", "egov-dinkes"}
    disdik = queues["egov-disdik"]
    assert disdik["target"] == "10.20.0.0/24,10.20.8.0/22"
    assert disdik["limit-at"] == "5000000/10000000"  # upload/download
    assert disdik["max-limit"] == "20000000/50000000"
    assert disdik["priority"] == "2/2"
    assert queues["egov-dinkes"]["target"] == "10.30.0.0/24,2001:db8:30::/48"
    filtered = by_name(d for d in apply["dns"] if d.get("comment") == "egov-filter")
    assert set(filtered) == {"judi.example", "slot.example"}
    assert all(d["type"] == "NXDOMAIN" and d["match-subdomain"] == "true" for d in filtered.values())
    assert foreign(apply["queues"], apply["dns"]) == untouchable(scenario)


def test_second_apply_changes_nothing(scenario):
    again = scenario["runs"]["again"]
    assert again["result"].rc == 0, again["result"].log
    assert changed_tasks(again["events"], HOST) == []
    assert (again["result"].hosts[HOST].status, again["result"].hosts[HOST].changed) == ("ok", 0)
    assert again["writes"] == []


def test_drift_and_new_data_converge(scenario):
    converge = scenario["runs"]["converge"]
    assert converge["result"].rc == 0, converge["result"].log
    queues = by_name(converge["queues"])
    assert "egov-dinkes" not in queues
    disdik = queues["egov-disdik"]
    assert disdik["max-limit"] == "20000000/15000000"
    assert disdik["disabled"] == "false"  # re-enabled: the role owns the queue whole
    assert disdik.get("comment", "") == ""
    filtered = {d["name"] for d in converge["dns"] if d.get("comment") == "egov-filter"}
    assert filtered == {"judi.example", "poker.example"}
    assert foreign(converge["queues"], converge["dns"]) == untouchable(scenario)


def test_the_api_password_is_never_shown(scenario):
    for run in scenario["runs"].values():
        # Not masked by the runner (only the secrets it is given are): the module keeps it out.
        assert PASSWORD not in run["result"].log
        assert PASSWORD not in json.dumps(run["events"])


def test_what_the_runner_is_told_is_secret_is_masked_in_the_events_and_the_log(tmp_path):
    """The runner's masking reaches the events its callback gets: a queue name stands in for a secret here."""
    with RouterOSStandIn(USERNAME, PASSWORD) as router:
        inventory = write_inventory(tmp_path / "hosts.json", router.port, [DISDIK], compiled_filter(["judi.example"]))
        result, events = run_keeping_events("routeros.yml", inventory, check=True, secrets=("egov-disdik",))
    assert result.rc == 0, result.log
    assert "egov-disdik" not in result.log + json.dumps(events)
    assert MASK in json.dumps(events) and MASK in result.log
