"""The alert rules (exporters/prometheus/) against the real promtool: its checks and unit tests pass, every alert has
a unit test that fires it and one in which it stays silent, every metric the rules and their tests name is in the
metric contract (docs/metrics.md), every alert carries what the on-call engineer reads, and the example Prometheus
configuration (tests/prometheus_example.py) loads the rules."""

import fnmatch
import re
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from tests.prometheus_example import adjusted_config, example_config

PROMTOOL = "/usr/bin/promtool"
ROOT = Path(__file__).resolve().parents[2]
PROMETHEUS = ROOT / "exporters" / "prometheus"
RULE_FILES = sorted((PROMETHEUS / "rules").glob("*.yml"))
UNIT_TESTS = sorted((PROMETHEUS / "tests").glob("*.yml"))
METRICS_DOC = ROOT / "docs" / "metrics.md"

SEVERITIES = {"critical", "warning", "info"}
# An egov metric or recording rule name where PromQL or a template names one (recording rules hold colons); the
# lookbehind keeps a longer identifier from matching in its middle, `+` keeps the bare prefix `egov_` out.
EGOV_NAME = re.compile(r"(?<![A-Za-z0-9_:])egov_[a-z0-9_:]+")
# Labels Prometheus adds to every scraped series itself.
TARGET_LABELS = {"instance", "job"}
SD_PATH = "/api/plugins/egov/prometheus-sd/{}/"


def promtool(*args, cwd=None):
    """promtool's exit status must be 0; on failure the assertion shows what promtool said."""
    result = subprocess.run([PROMTOOL, *map(str, args)], capture_output=True, text=True, timeout=300, cwd=cwd)
    assert result.returncode == 0, f"promtool {' '.join(map(str, args))} exited {result.returncode}:\n" \
                                   f"{result.stdout}{result.stderr}"
    return result.stdout + result.stderr


def load(path):
    return yaml.safe_load(path.read_text())


def rules():
    """(file, group name, rule) of every rule in the rule files."""
    return [(path, group["name"], rule) for path in RULE_FILES for group in load(path)["groups"]
            for rule in group["rules"]]


def alerts():
    return {rule["alert"]: rule for _, _, rule in rules() if "alert" in rule}


def recorded():
    return {rule["record"] for _, _, rule in rules() if "record" in rule}


def documented_metrics():
    return set(EGOV_NAME.findall(METRICS_DOC.read_text()))


def documented_words():
    """Every word docs/metrics.md sets in backticks: its metric and label names (and some values)."""
    return set(re.findall(r"`([a-z_]+)`", METRICS_DOC.read_text()))


def undocumented(text):
    """The egov names in `text` that are neither in docs/metrics.md nor a recording rule of ours."""
    return sorted(set(EGOV_NAME.findall(text)) - documented_metrics() - recorded())


def test_there_is_something_to_test():
    assert RULE_FILES and UNIT_TESTS, f"no rule files or unit tests under {PROMETHEUS}"
    assert alerts(), "the rule files hold no alert"


def test_rule_files_pass_promtool_check():
    promtool("check", "rules", *RULE_FILES)


def test_unit_tests_pass_and_test_these_rule_files():
    for path in UNIT_TESTS:
        loaded = {(path.parent / name).resolve() for name in load(path)["rule_files"]}
        assert loaded == set(RULE_FILES), f"{path.name} loads {sorted(map(str, loaded))}, not every rule file"
    promtool("test", "rules", *UNIT_TESTS)


def alert_cases():
    """alert name -> the kinds of unit test cases it has: "fires" (exp_alerts not empty), "silent" (empty)."""
    cases = {}
    for path in UNIT_TESTS:
        for group in load(path)["tests"]:
            for case in group.get("alert_rule_test", []):
                kind = "fires" if case.get("exp_alerts") else "silent"
                cases.setdefault(case["alertname"], set()).add(kind)
    return cases


def test_every_alert_has_a_case_that_fires_it_and_one_where_it_stays_silent():
    cases = alert_cases()
    # A case naming no rule passes promtool trivially (a silent case of a misspelt name proves nothing).
    strangers = sorted(set(cases) - set(alerts()))
    assert not strangers, f"unit tests name alerts that do not exist: {strangers}"
    missing = {name: kinds for name in alerts() if (kinds := sorted({"fires", "silent"} - cases.get(name, set())))}
    assert not missing, f"alerts without a unit test of these kinds: {missing}"


def test_rules_read_only_documented_metrics():
    """Expressions and the queries in annotations: a renamed or misspelt metric would leave a rule silent forever."""
    unknown = {f"{group}/{rule.get('alert') or rule['record']}": names for _, group, rule in rules()
               if (names := undocumented(yaml.safe_dump(rule)))}
    assert not unknown, f"metrics not in {METRICS_DOC.name} (nor recorded here): {unknown}"


def test_unit_tests_feed_documented_metrics_and_labels():
    """The series the unit tests feed are named as the exporter names them, or the tests prove nothing about it."""
    words = documented_words() | TARGET_LABELS
    wrong = []
    for path in UNIT_TESTS:
        for group in load(path)["tests"]:
            for series in group.get("input_series", []):
                name, _, labels = series["series"].partition("{")
                label_names = set(re.findall(r"([A-Za-z_][A-Za-z0-9_]*)\s*=", labels))
                if name != "up" and (name not in documented_metrics() or not label_names <= words):
                    wrong.append(f"{path.name}: {series['series']}")
            for case in group.get("promql_expr_test", []):
                wrong.extend(f"{path.name}: {name} in {case['expr']}" for name in undocumented(case["expr"]))
    assert not wrong, f"series or labels not in {METRICS_DOC.name}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("name", sorted(alerts()))
def test_alert_says_how_bad_what_and_what_to_check(name):
    rule = alerts()[name]
    assert rule.get("labels", {}).get("severity") in SEVERITIES, f"{name}: severity {rule.get('labels')!r}"
    assert "for" in rule, f"{name}: no `for:` (say how long the condition must hold)"
    for key in ("summary", "description", "runbook"):
        assert rule.get("annotations", {}).get(key, "").strip(), f"{name}: no {key} annotation"


def test_example_configuration_discovers_through_netbox_and_loads_the_rules(tmp_path):
    config = example_config()
    assert config["global"]["scrape_interval"] == "60s"
    assert all(any(fnmatch.fnmatch(path.name, Path(glob).name) for glob in config["rule_files"])
               for path in RULE_FILES), f"rule_files {config['rule_files']} miss some of {RULE_FILES}"
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    # The alerts name the exporter's job (up{job="egov-exporter"}); discovery refreshes as often as their `for:`s
    # assume.
    for job, endpoint in (("egov-exporter", "exporters"), ("egov-devices", "devices"),
                          ("egov-gateways-snmp", "devices")):
        (sd,) = jobs[job]["http_sd_configs"]
        assert urlsplit(sd["url"]).path == SD_PATH.format(endpoint), f"{job}: {sd['url']}"
        assert sd["refresh_interval"] == "60s", f"{job}: {sd['refresh_interval']}"
        assert "credentials_file" in sd.get("authorization", {}), f"{job}: the NetBox token must come from a file"

    # The same configuration pointing at this checkout's rules and a token file of the test.
    copy = adjusted_config(tmp_path, "https://netbox.test", "nbt_example.not-a-real-token")
    output = promtool("check", "config", copy)
    for path in RULE_FILES:  # the rules were loaded through the configuration, not merely named
        assert f"Checking {path}" in output, output
