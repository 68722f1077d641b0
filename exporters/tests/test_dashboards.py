"""The Grafana dashboards (exporters/grafana): generated JSON equal to the committed files, every panel's PromQL
over documented metrics only and accepted by a real Prometheus, Indonesian titles, one data source; and the query
tools (exporters/grafana/queries.py) the integration test relies on.

Needs no NetBox: ``pytest -p no:django -o addopts='--import-mode=importlib' exporters/tests/test_dashboards.py``.
"""

import json
import re
import time
from pathlib import Path

import pytest
import yaml
from grafana import dashboards
from grafana.queries import (
    PanelQuery,
    VariableQuery,
    builtin_variables,
    instantiate,
    iter_panels,
    metric_names,
    panel_queries,
    variable_expr,
    variable_queries,
)
from tests.prometheus_peers import EMPTY_CONFIG, backfill, start_prometheus
from tests.regency_series import metric_names as regency_metric_names
from tests.regency_series import regency_openmetrics

ROOT = Path(__file__).resolve().parents[2]
PROVISIONING = ROOT / "exporters" / "grafana" / "provisioning"
METRICS_DOC = ROOT / "docs" / "metrics.md"
RULES = ROOT / "exporters" / "prometheus" / "rules" / "egov.rules.yml"
# The collectors' counters, which step once per poll: a panel rates them over the polls (dashboards._per_poll).
POLLED_COUNTER = re.compile(r"egov_(?:interface_\w+|agency_bytes)_total")
POLL_TIME = "egov_device_last_poll_timestamp_seconds"
# Words that would say a title or description was left in English (Indonesian titles keep "up", "down", "DR").
ENGLISH = frozenset({"the", "and", "of", "for", "with", "link", "links", "device", "devices", "usage", "rate",
                     "health", "interface", "interfaces", "errors", "overview", "agency", "agencies", "quota",
                     "since", "last", "per-agency", "bandwidth-usage", "traffic", "days"})
SAMPLE_VALUES = {"agency": "dinkes"}


@pytest.fixture(scope="module")
def built():
    return dashboards.build_all()


def _all_queries(built) -> list[PanelQuery]:
    return [query for data in built.values() for query in panel_queries(data)]


def _variables() -> dict:
    return {**builtin_variables(range_seconds=6 * 3600, interval_seconds=15, scrape_interval_seconds=15),
            **SAMPLE_VALUES}


def _documented_metrics() -> set[str]:
    """The metric names of docs/metrics.md's tables (first column)."""
    names = set()
    for line in METRICS_DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("| `egov_"):
            names.update(re.findall(r"`(egov_\w+)`", line.split("|")[1]))
    return names


# --- the generated files --------------------------------------------------------------------------------------


def test_regenerating_gives_the_committed_json(built):
    committed = {path.name: path.read_text(encoding="utf-8")
                 for path in (PROVISIONING / "dashboards").glob("*.json")}
    generated = {name: dashboards.render(data) for name, data in built.items()}
    assert sorted(committed) == sorted(generated), "run `make dashboards` and commit provisioning/dashboards"
    stale = [name for name in generated if committed[name] != generated[name]]
    assert not stale, f"{stale} differ from exporters/grafana/dashboards.py: edit the generator, run `make dashboards`"


def test_generation_is_deterministic_and_uids_are_stable(built, tmp_path):
    again = dashboards.build_all()
    assert {name: dashboards.render(data) for name, data in again.items()} == \
        {name: dashboards.render(data) for name, data in built.items()}
    assert all(name == f"{data['uid']}.json" and data["uid"].startswith("egov-") for name, data in built.items())
    written = dashboards.write(tmp_path)
    assert sorted(path.name for path in written) == sorted(built)


def test_write_removes_the_json_of_a_dashboard_that_is_gone(tmp_path):
    (tmp_path / "egov-renamed.json").write_text("{}")
    (tmp_path / "notes.txt").write_text("kept")
    dashboards.write(tmp_path)
    assert not (tmp_path / "egov-renamed.json").exists()
    assert (tmp_path / "notes.txt").exists()


def test_panel_ids_are_unique_in_each_dashboard(built):
    for name, data in built.items():
        ids = [panel["id"] for panel in data["panels"]] + \
              [inner["id"] for panel in data["panels"] for inner in panel.get("panels", [])]
        assert len(ids) == len(set(ids)) and 0 not in ids, name


# --- panels and queries ---------------------------------------------------------------------------------------


def test_every_panel_has_a_query_with_a_unit_and_a_description(built):
    for name, data in built.items():
        panels = list(iter_panels(data))
        assert panels, name
        for panel in panels:
            where = f"{name}: {panel['title']!r}"
            assert [target for target in panel["targets"] if target.get("expr")], where
            assert panel["fieldConfig"]["defaults"].get("unit"), where
            assert panel.get("description"), where
            ref_ids = [target["refId"] for target in panel["targets"]]
            assert len(set(ref_ids)) == len(ref_ids) and all(ref_ids), where


def test_every_metric_of_a_query_is_documented(built):
    documented = _documented_metrics()
    assert len(documented) > 40, "docs/metrics.md's tables were not read"
    variables = _variables()
    expressions = [(query.dashboard, query.panel, query.expr) for query in _all_queries(built)]
    expressions += [(variable.dashboard, f"${variable.name}", variable.expr)
                    for data in built.values() for variable in variable_queries(data)]
    undocumented = {(dashboard, panel, name)
                    for dashboard, panel, expr in expressions
                    for name in metric_names(instantiate(expr, variables)) - documented}
    assert not undocumented
    used = {name for _, _, expr in expressions for name in metric_names(instantiate(expr, variables))}
    assert len(used) > 30


def _recording_rules() -> dict[str, str]:
    return {rule["record"]: rule["expr"] for group in yaml.safe_load(RULES.read_text())["groups"]
            for rule in group["rules"] if "record" in rule}


def test_rates_use_the_rate_interval_or_the_polls(built):
    """A polled counter is rated over POLL_WINDOW divided by its devices' poll time, anything else over Grafana's
    $__rate_interval or the dashboard's range."""
    polled_queries = 0
    for query in _all_queries(built):
        windows = set(re.findall(r"\b(?:rate|irate|increase)\([^\[]*\[([^\]]+)\]", query.expr))
        if any(POLLED_COUNTER.fullmatch(name) for name in metric_names(instantiate(query.expr, _variables()))):
            polled_queries += 1
            assert POLL_TIME in query.expr and windows == {dashboards.POLL_WINDOW}, query
        else:
            assert windows <= {"$__rate_interval", "$__range"}, query
    assert polled_queries >= 10


def test_the_poll_window_is_the_recording_rules_window():
    """Dashboards and alerts rate the polled counters over the same window, so a panel shows what an alert reads."""
    rules = _recording_rules()
    assert len(rules) >= 3
    for name, expr in rules.items():
        assert set(re.findall(r"\[([^\]]+)\]", expr)) == {dashboards.POLL_WINDOW}, name
        assert POLL_TIME in expr, name


def test_every_query_is_accepted_by_prometheus(built, empty_prometheus):
    variables = _variables()
    checked = _all_queries(built) + [PanelQuery(variable.dashboard, f"${variable.name}", "", variable.expr)
                                     for data in built.values() for variable in variable_queries(data)]
    rejected = []
    for query in checked:
        answer = empty_prometheus.query(instantiate(query.expr, variables))
        if answer["status"] != "success":
            rejected.append((query, answer.get("errorType"), answer.get("error")))
    assert not rejected
    assert len(checked) > 60


def test_prometheus_rejects_a_broken_query(empty_prometheus):
    """The check above can fail: a syntax error and a type error are both refused with bad_data."""
    for broken in ("sum(rate(egov_device_up[5m])", "rate(egov_device_up)", 'egov_device_up{agency="$agency"}[x]'):
        answer = empty_prometheus.query(broken)
        assert (answer["status"], answer["errorType"]) == ("error", "bad_data"), broken


# --- on known data: a small regency backfilled into a real Prometheus (tests/regency_series.py) -------------------

# (dashboard file, panel title, refId) -> {label values of the series: value} at the evaluation time, $agency=dinkes.
EXPECTED = {
    ("egov-backbone.json", "Jumlah tautan per status", "A"): {(): 4},
    ("egov-backbone.json", "Jumlah tautan per status", "C"): {(): 1},
    # l3 is active with its end down; l2's end is down too but l2 is documented down already.
    ("egov-backbone.json", "Tautan aktif dengan ujung tidak up", "A"): {(): 1},
    # A to B: what end a sends or end b receives (l1 has both, l4 only end b, l5 only end a).
    ("egov-backbone.json", "Utilisasi tautan terhadap kapasitas (%)", "A"): {
        ("l1",): 0.1, ("l2",): 0, ("l3",): 0, ("l4",): 0.4, ("l5",): 0.3},
    ("egov-backbone.json", "Utilisasi tautan terhadap kapasitas (%)", "B"): {
        ("l1",): 0.02, ("l2",): 0, ("l3",): 0, ("l4",): 0.1, ("l5",): 0.6},
    ("egov-backbone.json", "Utilisasi tertinggi saat ini per tautan (%)", "A"): {
        ("l1",): 0.1, ("l2",): 0, ("l3",): 0, ("l4",): 0.4, ("l5",): 0.6},
    # In bit/s: 8 x the bytes per second of the regency (l1: core-1 eth1 sends 1,250,000 B/s).
    ("egov-backbone.json", "Lalu lintas tautan (bit/detik)", "A"): {
        ("l1",): 10e6, ("l2",): 0, ("l3",): 0, ("l4",): 4e6, ("l5",): 3e6},
    ("egov-backbone.json", "Lalu lintas tautan (bit/detik)", "B"): {
        ("l1",): 2e6, ("l2",): 0, ("l3",): 0, ("l4",): 1e6, ("l5",): 6e6},
    ("egov-backbone.json", "Lalu lintas tautan (bit/detik)", "C"): {
        ("l1",): 100e6, ("l2",): 100e6, ("l3",): 50e6, ("l4",): 10e6, ("l5",): 10e6},
    ("egov-backbone.json", "Tautan backbone", "A"): {
        ("l1", "fiber", "noc", "kantor-dinkes"): 100e6, ("l2", "fiber", "noc", "kantor-disdik"): 100e6,
        ("l3", "fiber", "noc", "kantor-bappeda"): 50e6, ("l4", "fiber", "noc", "kantor-dinkes"): 10e6,
        ("l5", "fiber", "noc", "kantor-disdik"): 10e6},
    ("egov-backbone.json", "Tautan backbone", "B"): {("l1",): 1, ("l2",): 3, ("l3",): 1, ("l4",): 1, ("l5",): 1},
    ("egov-backbone.json", "Status operasional ujung tautan", "A"): {
        ("core-1", "a", "eth1", "l1"): 1, ("gw-dinkes", "b", "ether1", "l1"): 1, ("core-1", "a", "eth2", "l2"): 2,
        ("core-1", "a", "eth3", "l3"): 2, ("gw-dinkes", "b", "ether3", "l4"): 1, ("core-1", "a", "eth4", "l5"): 1},
    ("egov-agency-bandwidth.json", "Unduh: laju, terjamin dan plafon (bit/detik)", "A"): {("dinkes",): 8e6},
    ("egov-agency-bandwidth.json", "Unduh: laju, terjamin dan plafon (bit/detik)", "B"): {("dinkes",): 10e6},
    ("egov-agency-bandwidth.json", "Unduh: laju, terjamin dan plafon (bit/detik)", "C"): {("dinkes",): 20e6},
    ("egov-agency-bandwidth.json", "Unggah: laju, terjamin dan plafon (bit/detik)", "A"): {("dinkes",): 1e6},
    ("egov-agency-bandwidth.json", "Unggah: laju, terjamin dan plafon (bit/detik)", "B"): {("dinkes",): 2e6},
    ("egov-agency-bandwidth.json", "Unggah: laju, terjamin dan plafon (bit/detik)", "C"): {("dinkes",): 5e6},
    # Bytes over bytes: 1,000,000 B/s of a 2,500,000 B/s ceiling, 125,000 of 625,000.
    ("egov-agency-bandwidth.json", "Plafon unduh terpakai (%)", "A"): {("dinkes",): 0.4},
    ("egov-agency-bandwidth.json", "Plafon unggah terpakai (%)", "A"): {("dinkes",): 0.2},
    ("egov-agency-bandwidth.json", "Pembatasan yang berlaku", "A"): {("dinkes",): 2},  # off hours
    ("egov-agency-bandwidth.json", "Status volume bulan ini", "A"): {("dinkes",): 2},  # warning
    ("egov-agency-bandwidth.json", "Volume bulan ini terhadap batas (%)", "A"): {("dinkes",): 0.95},
    ("egov-device-health.json", "Perangkat tidak terjangkau", "A"): {(): 1},
    # core-1 eth2 and eth3; gw-dinkes ether5 is administratively down.
    ("egov-device-health.json", "Antarmuka admin up tetapi tidak up", "A"): {(): 2},
    ("egov-device-health.json", "Poll gagal pada rentang waktu ini", "A"): {(): 60},
    ("egov-device-health.json", "Gateway penegakan kuota per Perangkat Daerah", "A"): {
        ("dinkes", "gw-dinkes"): 1, ("disdik", "gw-disdik"): 0},
    # gw-dinkes' last poll (a successful one) was 290 s before the evaluation.
    ("egov-device-health.json", "Gateway penegakan kuota per Perangkat Daerah", "B"): {
        ("dinkes", "gw-dinkes"): 290, ("disdik", "gw-disdik"): 3600},
    ("egov-device-health.json", "Galat antarmuka, 10 tertinggi (paket/detik)", "A"): {
        ("core-1", "eth1"): 0.5, ("core-1", "eth2"): 0, ("core-1", "eth3"): 0, ("core-1", "eth4"): 0,
        ("gw-dinkes", "ether1"): 0, ("gw-dinkes", "ether3"): 0, ("gw-dinkes", "ether5"): 0},
    ("egov-device-health.json", "Paket dibuang antarmuka, 10 tertinggi (paket/detik)", "B"): {
        ("core-1", "eth1"): 0, ("core-1", "eth2"): 0, ("core-1", "eth3"): 0, ("core-1", "eth4"): 0,
        ("gw-dinkes", "ether1"): 2, ("gw-dinkes", "ether3"): 0, ("gw-dinkes", "ether5"): 0},
    ("egov-dc-dr.json", "Rencana aktif dengan uji coba terlambat", "A"): {(): 1},
    ("egov-dc-dr.json", "Hari sejak uji coba terakhir (hari)", "A"): {("dc-dr", "dr-simpeg", "noc"): 100},
    ("egov-dc-dr.json", "Hari menuju uji coba berikutnya (hari; negatif = terlambat)", "A"): {
        ("dc-dr", "dr-simpeg", "noc"): -5, ("dc-dr", "dr-web", "noc"): 30},
    ("egov-dc-dr.json", "Rencana DR", "F"): {("dc-dr", "dr-simpeg", "noc"): 2, ("dc-dr", "dr-web", "noc"): 1},
    ("egov-compliance.json", "Skor kepatuhan rata-rata (%)", "A"): {(): (2 / 3 + 1) / 2},
    ("egov-compliance.json", "Perangkat Daerah yang gagal per pemeriksaan", "A"): {
        ("cables_labelled",): 1, ("has_ict_officer",): 0, ("quota_assigned",): 0, ("systems_in_data_center",): 0},
    ("egov-compliance.json", "Pemeriksaan gagal per Perangkat Daerah", "A"): {("dinkes",): 1, ("disdik",): 0},
    ("egov-monitoring-health.json", "Umur siklus terakhir yang selesai (detik)", "A"): {(): 100},
    ("egov-monitoring-health.json", "Siklus terlewat pada rentang waktu ini", "A"): {(): 2},
    ("egov-monitoring-health.json", "Sumber data exporter", "A"): {("netbox",): 0, ("redis",): 1},
    ("egov-monitoring-health.json", "Delta penghitung Perangkat Daerah yang dibuang, per alasan", "A"): {
        ("over-speed",): 12 / 60},
}


@pytest.fixture(scope="module")
def regency(tmp_path_factory):
    """A Prometheus holding two hours of the regency's samples, and the time to evaluate the queries at."""
    at = int(time.time()) // 60 * 60 - 600
    directory = tmp_path_factory.mktemp("regency")
    backfill(directory, regency_openmetrics(at))
    running = start_prometheus(directory, EMPTY_CONFIG)
    yield running, at
    running.stop()


def _regency_variables() -> dict:
    return {**builtin_variables(range_seconds=3600, interval_seconds=15, scrape_interval_seconds=15),
            **SAMPLE_VALUES}


def _evaluate(prometheus, at: int, expr: str) -> dict[tuple, float]:
    answer = prometheus.query(instantiate(expr, _regency_variables()), at=at)
    assert answer["status"] == "success", (expr, answer)
    return {tuple(value for _, value in sorted(series["metric"].items())): float(series["value"][1])
            for series in answer["data"]["result"]}


def test_the_regency_uses_documented_metrics_only():
    assert regency_metric_names(0) <= _documented_metrics()


def test_every_query_returns_data_on_the_regency(built, regency):
    prometheus, at = regency
    empty = [query for query in _all_queries(built) if not _evaluate(prometheus, at, query.expr)]
    assert not empty
    (agencies,) = variable_queries(built["egov-agency-bandwidth.json"])
    assert set(_evaluate(prometheus, at, agencies.expr)) == {("dinkes",), ("disdik",)}


def test_queries_compute_what_the_panels_say(built, regency):
    prometheus, at = regency
    by_place = {(name, query.panel, query.ref_id): query.expr
                for name, data in built.items() for query in panel_queries(data)}
    for place, expected in EXPECTED.items():
        assert _evaluate(prometheus, at, by_place[place]) == pytest.approx(expected), place


def test_the_agency_rate_is_the_recording_rules_in_bit_per_second(built, regency):
    """The panel's rate is 8 x what EgovAgencyNearCeiling reads (egov_agency:bytes_per_second:rate10m's expression
    evaluated on the same data), and both are the regency's 1,000,000 B/s down and 125,000 B/s up."""
    prometheus, at = regency
    recorded = _evaluate(prometheus, at, _recording_rules()["egov_agency:bytes_per_second:rate10m"])
    assert recorded == pytest.approx({("dinkes", "down"): 1_000_000, ("dinkes", "up"): 125_000})
    (panel,) = [query.expr for query in panel_queries(built["egov-agency-bandwidth.json"])
                if query.panel.startswith("Unduh") and query.ref_id == "A"]
    assert _evaluate(prometheus, at, panel) == pytest.approx({("dinkes",): 8 * recorded[("dinkes", "down")]})


def test_a_plain_rate_of_a_polled_counter_would_be_wrong(regency):
    """The regency's counters step at polls as the collectors' do, so the expectations above tell the division by
    the poll time from a plain rate: over 10 minutes it sees 586 s of traffic (polls.__doc__), over Grafana's
    $__rate_interval (60 s) no poll at all."""
    prometheus, at = regency
    selector = 'egov_agency_bytes_total{agency="dinkes", direction="down"}'
    plain = _evaluate(prometheus, at, f"sum(rate({selector}[10m]))")[()]
    assert plain == pytest.approx(1_000_000 * 586 / 600)
    assert _evaluate(prometheus, at, f"sum(rate({selector}[$__rate_interval]))") == {(): 0}


def test_a_prometheus_that_cannot_start_or_load_says_why(tmp_path):
    with pytest.raises(RuntimeError, match=r"did not become ready .*prometheus\.yml.*not a valid duration string"):
        start_prometheus(tmp_path / "bad", "scrape_configs:\n  - job_name: x\n    scrape_interval: soon\n")
    with pytest.raises(RuntimeError, match=r"promtool could not backfill .*backfill\.om"):
        backfill(tmp_path / "broken", "egov_device_up{device=\"a\"} one 1\n# EOF\n")


# --- what people read -----------------------------------------------------------------------------------------


def _texts(data: dict) -> list[str]:
    texts = [data["title"], data["description"]]
    for panel in data["panels"]:
        texts.append(panel["title"])
        texts += [inner["title"] for inner in panel.get("panels", [])]
        texts += [inner["description"] for inner in panel.get("panels", [])]
        if panel["type"] != "row":
            texts.append(panel["description"])
    return texts


def test_titles_and_descriptions_are_indonesian(built):
    for name, data in built.items():
        assert data["title"] and data["description"], name
        for text in _texts(data):
            assert text.strip(), name
            english = set(re.findall(r"[a-z-]+", text.lower())) & ENGLISH
            assert not english, f"{name}: {text!r} has English words {sorted(english)}"
    titles = [data["title"] for data in built.values()]
    assert len(set(titles)) == len(titles)
    for name, data in built.items():
        panel_titles = [panel["title"] for panel in iter_panels(data)]
        assert len(set(panel_titles)) == len(panel_titles), f"{name}: two panels share a title"


def test_the_english_word_check_can_fail():
    assert set(re.findall(r"[a-z-]+", "Links by status".lower())) & ENGLISH


# --- one data source ------------------------------------------------------------------------------------------


def test_every_panel_target_and_variable_uses_the_provisioned_datasource(built):
    provisioned = yaml.safe_load((PROVISIONING / "datasources" / "prometheus.yaml").read_text())
    (source,) = provisioned["datasources"]
    assert source["type"] == "prometheus"
    assert source["url"].startswith("$EGOV_PROMETHEUS_URL") or "${EGOV_PROMETHEUS_URL}" in source["url"]
    uid = source["uid"]
    for name, data in built.items():
        for panel in iter_panels(data):
            assert panel["datasource"] == {"type": "prometheus", "uid": uid}, (name, panel["title"])
            assert all(target["datasource"]["uid"] == uid for target in panel["targets"]), (name, panel["title"])
        for variable in data.get("templating", {}).get("list", []):
            assert variable["datasource"]["uid"] == uid, (name, variable["name"])


def test_the_dashboard_provider_loads_this_folder():
    provider = yaml.safe_load((PROVISIONING / "dashboards" / "egov.yaml").read_text())
    (entry,) = provider["providers"]
    assert entry["type"] == "file"
    assert entry["options"]["path"].rstrip("/").endswith("provisioning/dashboards")


def test_the_agency_dashboard_lists_agencies_with_a_quota(built):
    (variable,) = variable_queries(built["egov-agency-bandwidth.json"])
    assert (variable.name, variable.query) == ("agency", "label_values(egov_quota_info, agency)")
    agency_queries = panel_queries(built["egov-agency-bandwidth.json"])
    assert all("$agency" in query.expr for query in agency_queries)


# --- queries.py -----------------------------------------------------------------------------------------------

NESTED = {
    "title": "D",
    "panels": [
        {"type": "row", "title": "open row", "panels": []},
        {"type": "timeseries", "title": "top", "targets": [{"refId": "A", "expr": "up"},
                                                          {"refId": "B", "expr": "egov_device_up"}]},
        {"type": "row", "title": "collapsed", "collapsed": True, "panels": [
            {"type": "stat", "title": "inside", "targets": [{"refId": "A", "expr": "sum(x)"},
                                                           {"refId": "B", "datasource": {"type": "__expr__"},
                                                            "expression": "$A * 2"}]},
            {"type": "text", "title": "no targets"},
        ]},
    ],
    "templating": {"list": [
        {"type": "query", "name": "agency", "query": "label_values(egov_quota_info, agency)"},
        {"type": "query", "name": "site", "query": {"query": "label_values(site)", "refId": "X"}},
        {"type": "custom", "name": "size", "query": "1,2"},
    ]},
}


def test_panel_queries_walk_rows_and_skip_other_data_sources():
    assert panel_queries(NESTED) == [
        PanelQuery("D", "top", "A", "up"),
        PanelQuery("D", "top", "B", "egov_device_up"),
        PanelQuery("D", "inside", "A", "sum(x)"),
    ]
    assert [panel["title"] for panel in iter_panels(NESTED)] == ["top", "inside", "no targets"]
    assert panel_queries({"title": "empty"}) == []


def test_variable_queries_become_promql():
    assert variable_queries(NESTED) == [
        VariableQuery("D", "agency", "label_values(egov_quota_info, agency)", "group by (agency) (egov_quota_info)"),
        VariableQuery("D", "site", "label_values(site)", 'group by (site) ({site!=""})'),
    ]
    assert variable_expr('label_values(egov_device_up{site="a", agency=~"b|c"}, device)') == \
        'group by (device) (egov_device_up{site="a", agency=~"b|c"})'
    assert variable_expr("query_result(topk(3, egov_device_up))") == "topk(3, egov_device_up)"
    with pytest.raises(ValueError, match=r"variable 'x': query 'metrics\(egov_\.\*\)'"):
        variable_expr("metrics(egov_.*)", "x")


def test_instantiate_replaces_every_spelling_of_a_variable():
    values = {"agency": "dinkes", "__range": "3600s", "__range_s": "3600", "__rate_interval": "60s"}
    assert instantiate('x{agency="$agency"}[$__rate_interval]', values) == 'x{agency="dinkes"}[60s]'
    assert instantiate('x{agency="${agency}"} [[agency]] ${agency:raw}', values) == \
        'x{agency="dinkes"} dinkes dinkes'
    # The longest name wins: $__range_s is not $__range followed by "_s".
    assert instantiate("$__range_s $__range", values) == "3600 3600s"
    # label_replace's $1 is a regex group, not a variable.
    assert instantiate('label_replace(x, "a", "$1", "b", "(.*)")', values) == 'label_replace(x, "a", "$1", "b", "(.*)")'


def test_instantiate_multi_values_like_grafana():
    assert instantiate('x{agency=~"$agency"}', {"agency": ["dinkes", "a.b"]}) == 'x{agency=~"(dinkes|a\\\\.b)"}'
    assert instantiate('x{agency=~"$agency"}', {"agency": ["dinkes"]}) == 'x{agency=~"dinkes"}'
    assert instantiate("${agency:pipe} ${agency:csv} ${agency:regex}", {"agency": ["a", "b"]}) == "a|b a,b (a|b)"
    assert instantiate("${agency:regex}", {"agency": "a.b"}) == "a\\\\.b"


@pytest.mark.parametrize(("expr", "values", "message"), [
    ("x{agency=\"$agency\"}", {}, r"variable \$agency in .* has no value"),
    ("$agency", {"agency": 'a"b'}, r"variable \$agency: value 'a\"b' must be a string without quotes"),
    ("$agency", {"agency": []}, r"variable \$agency has an empty list"),
    ("${agency:json}", {"agency": "a"}, r"variable \$agency: format 'json'"),
    ("${agency:raw}", {"agency": ["a", "b"]}, r"variable \$agency: format 'raw'"),
])
def test_instantiate_names_the_variable_it_cannot_fill(expr, values, message):
    with pytest.raises(ValueError, match=message):
        instantiate(expr, values)


def test_builtin_variables_follow_grafana():
    values = builtin_variables(range_seconds=3600, interval_seconds=15, scrape_interval_seconds=15)
    assert values["__rate_interval"] == "60s"  # four scrape intervals
    assert builtin_variables(range_seconds=86400, interval_seconds=120, scrape_interval_seconds=15)[
        "__rate_interval"] == "135s"  # the interval plus one scrape interval
    assert (values["__interval"], values["__interval_ms"], values["__range"], values["__range_s"],
            values["__range_ms"]) == ("15s", "15000", "3600s", "3600", "3600000")
    with pytest.raises(ValueError, match="scrape_interval_seconds must be a positive whole number of seconds, not 0"):
        builtin_variables(range_seconds=3600, interval_seconds=15, scrape_interval_seconds=0)
    with pytest.raises(ValueError, match="range_seconds"):
        builtin_variables(range_seconds=1.5, interval_seconds=15, scrape_interval_seconds=15)


@pytest.mark.parametrize(("expr", "names"), [
    ("egov_device_up", {"egov_device_up"}),
    ('sum by (agency, device) (rate(egov_agency_bytes_total{agency="a", direction="down"}[5m] offset 1h))',
     {"egov_agency_bytes_total"}),
    ("max by (link) (8 * a_total * on (device, interface) group_right max by (device, link) (b_info))"
     ' / on (link) c_bits{end="a"}', {"a_total", "b_info", "c_bits"}),
    ('label_replace(x, "dst", "$1", "src", "(.*)") or vector(0) unless on() time() > bool 1e3',
     {"x"}),
    ("sum without (instance) (rate(x[5m:1m])) and ignoring (job) y @ start()", {"x", "y"}),
    ("topk(10, sum(increase(rule:recorded:rate5m[1h])))", {"rule:recorded:rate5m"}),
    ('count_values("v", egov_exporter_build_info) / count(x{a="sum(y)"})', {"egov_exporter_build_info", "x"}),
])
def test_metric_names(expr, names):
    assert metric_names(expr) == names


def test_dashboards_json_is_grafana_shaped(built):
    """The parts Grafana needs to load a provisioned dashboard: a schema version, a title, panels on the grid."""
    for name, data in built.items():
        assert isinstance(data["schemaVersion"], int) and data["schemaVersion"] >= 36, name
        for panel in iter_panels(data):
            grid = panel["gridPos"]
            assert grid["w"] > 0 and grid["h"] > 0 and grid["x"] + grid["w"] <= 24, (name, panel["title"])
        json.dumps(data)
