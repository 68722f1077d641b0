"""The Grafana dashboards of egov-netops, as code (grafana-foundation-sdk's builders).

``python exporters/grafana/dashboards.py`` (``make dashboards``) writes one JSON file per dashboard into
``provisioning/dashboards/``, where Grafana's file provider (``provisioning/dashboards/egov.yaml``) loads them. The
output is deterministic (a fixed uid per dashboard, panel ids in order, sorted keys, no timestamps), so a test can
compare the committed JSON with a fresh generation: edit this file, never the JSON.

Every query is plain PromQL over the metrics of docs/metrics.md (no recording rules, so the dashboards work on any
Prometheus scraping egov-exporter, over history from before rules were loaded), and every panel reads the
provisioned Prometheus data source (``DATASOURCE_UID``, provisioning/datasources/prometheus.yaml). Titles are in
Indonesian with the unit in Grafana's unit field and, where it helps, in the title: Dinas engineers and agency
heads read them. State-set metrics are shown as one number per state (``_state_code``) with value mappings, so a
panel names the state in Indonesian instead of an English label value.

Rates and capacities are bytes per second in the metrics; panels show them in bit/s (Grafana's ``bps``, the query
multiplied by 8) and divide bytes by bytes for a ratio. The collectors' counters step once per 5-minute poll and are
flat between scrapes, so ``rate(x[$__rate_interval])`` would swing between zero and spikes: ``_per_poll`` divides a
counter's rate by the rate of the device's last-poll timestamp over ``POLL_WINDOW``, the technique and window of
the recording rules (exporters/prometheus/rules/egov.rules.yml), so a panel shows what the alerts evaluate.
"""

import json
import string
import sys
from pathlib import Path

from grafana_foundation_sdk.builders import bargauge, common, dashboard, gauge, prometheus, stat, table, timeseries
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models.common import (
    BigValueColorMode,
    BigValueGraphMode,
    BigValueTextMode,
    VisibilityMode,
)
from grafana_foundation_sdk.models.dashboard import (
    DashboardLinkType,
    DataSourceRef,
    DataTransformerConfig,
    DynamicConfigValue,
    Threshold,
    ThresholdsMode,
    ValueMap,
    ValueMappingResult,
    VariableRefresh,
    VariableSort,
)

DATASOURCE_UID = "egov-prometheus"
DATASOURCE = DataSourceRef(type_val="prometheus", uid=DATASOURCE_UID)
PROVISIONING = Path(__file__).resolve().parent / "provisioning" / "dashboards"
TAG = "egov"
RATE = "$__rate_interval"
AGENCY = 'agency="$agency"'
# Two 5-minute polls, the recording rules' window: a window without a poll has no rate (see _per_poll).
POLL_WINDOW = "10m"
PER_POLL_TEXT = "Laju rata-rata 10 menit terakhir (dua poll kolektor)."
BITS = 8  # bit/s shown for bytes per second

GREEN, ORANGE, RED, BLUE, GREY = "green", "orange", "red", "blue", "text"


# ---------------------------------------------------------------------------------------------------------------
# Building blocks


def _query(expr: str, legend: str = "", *, instant: bool = False, table_format: bool = False) -> prometheus.Dataquery:
    """A Prometheus target; instant for panels that show the value now (stat, gauge, table)."""
    target = prometheus.Dataquery().expr(expr).legend_format(legend or "__auto")
    if instant:
        target = target.instant()
    if table_format:
        target = target.format("table")
    return target


def _panel(builder, title: str, description: str, unit: str, queries: list, *, width: int = 12, height: int = 8):
    """Title, description, unit, size and the targets (refIds A, B, ... on the provisioned data source)."""
    builder = builder.title(title).description(description).unit(unit).datasource(DATASOURCE)
    for index, target in enumerate(queries):
        builder = builder.with_target(target.ref_id(string.ascii_uppercase[index]).datasource(DATASOURCE))
    return builder.span(width).height(height)


def _thresholds(base: str, *steps: tuple[float, str]) -> dashboard.ThresholdsConfig:
    """Colours from ``base`` upwards, changing at each (value, colour) step."""
    return dashboard.ThresholdsConfig().mode(ThresholdsMode.ABSOLUTE).steps(
        [Threshold(value=None, color=base)] + [Threshold(value=value, color=color) for value, color in steps])


def _mapping(texts: dict[int, tuple[str, str]]) -> list[ValueMap]:
    """Numbers shown as (Indonesian text, colour)."""
    return [ValueMap(options={str(value): ValueMappingResult(text=text, color=color, index=index)
                              for index, (value, (text, color)) in enumerate(texts.items())})]


def _state_code(metric: str, label: str, states: list[str], by: str, selector: str = "") -> str:
    """One number per ``by`` group naming the current state of a state-set metric: 1 for ``states[0]`` and so on.

    Each state's series is multiplied by its number (0 unless current), the highest wins: where several states
    can hold at once (``egov_quota_limited``), list the most important last.
    """
    prefix = f"{selector}, " if selector else ""
    branches = " or ".join(f'{metric}{{{prefix}{label}="{state}"}} * {number}'
                           for number, state in enumerate(states, start=1))
    return f"max by ({by}) ({branches})"


def _per_poll(selector: str, by: str) -> str:
    """Per second of the counter ``selector`` over the polls in ``POLL_WINDOW``, kept per ``by`` (the highest of
    several exporters serving the same device, never their sum).

    The counter's rate divided by the rate of its device's last-poll timestamp, which steps in the same scrapes:
    exact whenever the window holds a poll, with no sample rather than a division by zero (``> 0``) when the device
    sat out both polls. The divisor is one per device and exporter: a device that moved to another site or agency
    has two label sets in the window, which would otherwise make the division many-to-many and fail.
    """
    return (f"max by ({by}) (rate({selector}[{POLL_WINDOW}]) / on (device, instance, job) group_left ()"
            f" max by (device, instance, job) (rate(egov_device_last_poll_timestamp_seconds[{POLL_WINDOW}]) > 0))")


def _bits(expr: str) -> str:
    """Bytes per second shown in bit/s."""
    return f"{BITS} * {expr}"


def _last_value() -> common.ReduceDataOptions:
    # Stat, gauge and bar gauge panels show each series' last value (the instant query's only one).
    return common.ReduceDataOptions().calcs(["lastNotNull"]).values(False)



def _count_per_status(title, description, metric, statuses, width):
    """A stat panel counting the objects of a state-set ``metric`` in each status ({status: its Indonesian
    name}), one number per status."""
    queries = [_query(f'sum({metric}{{status="{status}"}})', name, instant=True) for status, name in statuses.items()]
    return (_stat(title, description, "none", queries, width=width, text_mode=BigValueTextMode.VALUE_AND_NAME)
            .color_mode(BigValueColorMode.NONE))

def _stat(title, description, unit, queries, *, width=6, height=5, text_mode=BigValueTextMode.AUTO):
    return _panel(stat.Panel(), title, description, unit, queries, width=width, height=height) \
        .graph_mode(BigValueGraphMode.NONE).color_mode(BigValueColorMode.BACKGROUND).text_mode(text_mode) \
        .reduce_options(_last_value())


def _timeseries(title, description, unit, queries, *, width=12, height=8):
    return _panel(timeseries.Panel(), title, description, unit, queries, width=width, height=height) \
        .fill_opacity(10).show_points(VisibilityMode.NEVER)


def _bargauge(title, description, unit, queries, *, width=12, height=8):
    return _panel(bargauge.Panel(), title, description, unit, queries, width=width, height=height) \
        .reduce_options(_last_value())


def _gauge(title, description, unit, queries, *, width=6, height=8):
    return _panel(gauge.Panel(), title, description, unit, queries, width=width, height=height) \
        .reduce_options(_last_value())


def _table(title, description, unit, queries, columns: dict[str, str], *, width=24, height=9):
    """A table of instant queries, one row per label set: ``columns`` keeps and renames (in this order) the labels
    and values (``Value``, or ``Value #A``, ``Value #B`` ... with several queries, merged into one row)."""
    transformations = [DataTransformerConfig(id_val="merge", options={})] if len(queries) > 1 else []
    transformations += [
        DataTransformerConfig(id_val="filterFieldsByName", options={"include": {"names": list(columns)}}),
        DataTransformerConfig(id_val="organize", options={
            "indexByName": {name: index for index, name in enumerate(columns)},
            "renameByName": columns,
        }),
    ]
    return _panel(table.Panel(), title, description, unit, queries, width=width, height=height) \
        .show_header(True).transformations(transformations)


def _display_names(builder, names: dict[str, str]):
    """Show series or columns named after a label value (a check, a reason) under an Indonesian name."""
    for name, shown in names.items():
        builder = builder.override_by_name(name, [DynamicConfigValue(id_val="displayName", value=shown)])
    return builder


def _column(builder, name: str, *, unit: str | None = None, mappings: list | None = None):
    """Unit or value mappings of one table column (by its shown name)."""
    properties = []
    if unit:
        properties.append(DynamicConfigValue(id_val="unit", value=unit))
    if mappings:
        properties.append(DynamicConfigValue(id_val="mappings", value=mappings))
    return builder.override_by_name(name, properties)


def _dashboard(uid: str, title: str, description: str) -> dashboard.Dashboard:
    """A dashboard of the ``egov`` folder: Jakarta time, the last 6 hours, refreshed every minute, linked to the
    other egov dashboards."""
    return (
        dashboard.Dashboard(title).uid(uid).description(description).tags([TAG])
        .timezone("Asia/Jakarta").time("now-6h", "now").refresh("1m").readonly()
        .link(dashboard.DashboardLink("Dasbor e-Government lainnya").type(DashboardLinkType.DASHBOARDS)
              .tags([TAG]).as_dropdown(True).include_vars(False).keep_time(True))
    )


# ---------------------------------------------------------------------------------------------------------------
# (1) Backbone

LINK_STATUS = ["active", "planned", "down", "decommissioned"]
LINK_STATUS_TEXT = _mapping({1: ("Aktif", GREEN), 2: ("Direncanakan", BLUE), 3: ("Putus", RED),
                             4: ("Dinonaktifkan", GREY)})
OPER_STATUS_TEXT = _mapping({
    1: ("Up", GREEN), 2: ("Down", RED), 3: ("Pengujian", ORANGE), 4: ("Tidak diketahui", ORANGE),
    5: ("Dorman", BLUE), 6: ("Tidak ada", RED), 7: ("Lapisan bawah down", RED),
})
ENDPOINTS = "max by (device, interface, link, end) (egov_backbone_link_endpoint_info{end_selector})"
CAPACITY = "max by (link) (egov_backbone_link_capacity_bytes_per_second)"


def _endpoint_bytes(metric: str, end: str) -> str:
    """Bytes per second through the link's ``end`` (a or b) interface, from that interface's byte counter."""
    endpoints = ENDPOINTS.format(end_selector=f'{{end="{end}"}}')
    return f"{_per_poll(metric, 'device, interface')} * on (device, interface) group_right {endpoints}"


# Bytes per second from A to B: what end a sends or end b receives (whichever interface is measured; the higher if
# both are).
A_TO_B = (f"max by (link) ({_endpoint_bytes('egov_interface_sent_bytes_total', 'a')}"
          f" or {_endpoint_bytes('egov_interface_received_bytes_total', 'b')})")
B_TO_A = (f"max by (link) ({_endpoint_bytes('egov_interface_received_bytes_total', 'a')}"
          f" or {_endpoint_bytes('egov_interface_sent_bytes_total', 'b')})")
ENDPOINT_OPER = ("max by (link, end, device, interface) (max by (device, interface) (egov_interface_oper_status)"
                 f" * on (device, interface) group_right {ENDPOINTS.format(end_selector='')})")


def backbone() -> dashboard.Dashboard:
    utilisation_ab = f"{A_TO_B} / on (link) {CAPACITY}"
    utilisation_ba = f"{B_TO_A} / on (link) {CAPACITY}"
    highest = (f'max by (link) (label_replace({utilisation_ab}, "arah", "ab", "", "")'
               f' or label_replace({utilisation_ba}, "arah", "ba", "", ""))')
    broken = (f"sum(max by (link) ({ENDPOINT_OPER} != bool 1)"
              ' * on (link) max by (link) (egov_backbone_link_status{status="active"}))')
    return (
        _dashboard("egov-backbone", "Backbone: ringkasan tautan",
                   "Tautan backbone antarlokasi (Pasal 9): status di NetBox, utilisasi terhadap kapasitas yang "
                   "terdokumentasi (diukur di antarmuka ujung tautan) dan tautan yang putus.")
        .with_row(dashboard.Row("Status tautan"))
        .with_panel(_count_per_status("Jumlah tautan per status", "Tautan backbone menurut statusnya di NetBox.",
                                      "egov_backbone_link_status", {"active": "Aktif", "planned": "Direncanakan",
                                                                    "down": "Putus",
                                                                    "decommissioned": "Dinonaktifkan"}, width=12))
        .with_panel(_stat("Tautan berstatus putus", "Tautan yang di NetBox berstatus putus (down).", "none", [
            _query('sum(egov_backbone_link_status{status="down"})', "Putus", instant=True),
        ]).thresholds(_thresholds(GREEN, (1, RED))))
        .with_panel(_stat("Tautan aktif dengan ujung tidak up",
                          "Tautan aktif di NetBox yang antarmuka salah satu ujungnya tidak berstatus operasional up "
                          "(hasil poll SNMP terakhir).", "none", [_query(broken, "Tautan", instant=True)])
                    .thresholds(_thresholds(GREEN, (1, RED))))
        .with_row(dashboard.Row("Utilisasi"))
        .with_panel(_timeseries("Utilisasi tautan terhadap kapasitas (%)",
                                "Laju di antarmuka ujung tautan dibagi kapasitas terdokumentasi, per arah. "
                                + PER_POLL_TEXT,
                                "percentunit", [_query(utilisation_ab, "{{link}} (A ke B)"),
                                                _query(utilisation_ba, "{{link}} (B ke A)")])
                    .min(0).thresholds(_thresholds(GREEN, (0.7, ORANGE), (0.9, RED))))
        .with_panel(_bargauge("Utilisasi tertinggi saat ini per tautan (%)",
                              "Arah tersibuk tiap tautan saat ini, terhadap kapasitasnya.", "percentunit",
                              [_query(f"sort_desc({highest})", "{{link}}", instant=True)])
                    .min(0).max(1).thresholds(_thresholds(GREEN, (0.7, ORANGE), (0.9, RED))))
        .with_panel(_timeseries("Lalu lintas tautan (bit/detik)",
                                "Laju per arah dan kapasitas terdokumentasi tiap tautan. " + PER_POLL_TEXT, "bps", [
                                    _query(_bits(A_TO_B), "{{link}} (A ke B)"),
                                    _query(_bits(B_TO_A), "{{link}} (B ke A)"),
                                    _query(_bits(CAPACITY), "{{link}} kapasitas"),
                                ], width=24))
        .with_row(dashboard.Row("Daftar tautan"))
        .with_panel(_column(_column(
            _table("Tautan backbone", "Setiap tautan dengan lokasinya, media, kapasitas dan status di NetBox.",
                   "none", [
                       _query(_bits("max by (link, site_a, site_b, medium) "
                                    "(egov_backbone_link_capacity_bytes_per_second)"), instant=True, table_format=True),
                       _query(_state_code("egov_backbone_link_status", "status", LINK_STATUS, "link"),
                             instant=True, table_format=True),
                   ], {"link": "Tautan", "site_a": "Lokasi A", "site_b": "Lokasi B", "medium": "Media",
                       "Value #A": "Kapasitas", "Value #B": "Status"}),
            "Kapasitas", unit="bps"), "Status", mappings=LINK_STATUS_TEXT))
        .with_panel(_column(
            _table("Status operasional ujung tautan",
                   "Status operasional (ifOperStatus) antarmuka di tiap ujung tautan, dari poll SNMP terakhir.",
                   "none", [_query(f"sort({ENDPOINT_OPER})", instant=True, table_format=True)],
                   {"link": "Tautan", "end": "Ujung", "device": "Perangkat", "interface": "Antarmuka",
                    "Value": "Status operasional"}),
            "Status operasional", mappings=OPER_STATUS_TEXT))
    )


# ---------------------------------------------------------------------------------------------------------------
# (2) Agency bandwidth against its quota


def _agency_rate(direction: str) -> str:
    """The agency's bytes per second in ``direction``: its sources and devices summed, as the recording rule
    egov_agency:bytes_per_second:rate10m does."""
    selector = f'egov_agency_bytes_total{{{AGENCY}, direction="{direction}"}}'
    return f"sum by (agency) ({_per_poll(selector, 'agency, device, site, source')})"


def _agency_quota(metric: str, direction: str) -> str:
    return f'max by (agency) ({metric}{{{AGENCY}, direction="{direction}"}})'


MONTH_USED = f"sum by (agency) (egov_quota_month_usage_bytes{{{AGENCY}}})"
MONTH_CAP = f"max by (agency) (egov_quota_monthly_cap_bytes{{{AGENCY}}})"


def _rate_panel(title: str, direction: str, word: str):
    return _timeseries(title, f"Laju {word} Perangkat Daerah (diukur di perangkat penegakan) dibandingkan laju "
                       "terjamin dan plafon yang berlaku saat ini (jam kerja, di luar jam kerja, atau dibatasi). "
                       + PER_POLL_TEXT, "bps", [
                           _query(_bits(_agency_rate(direction)), f"Laju {word}"),
                           _query(_bits(_agency_quota("egov_quota_guaranteed_bytes_per_second", direction)),
                                  "Terjamin"),
                           _query(_bits(_agency_quota("egov_quota_ceiling_bytes_per_second", direction)),
                                  "Plafon berlaku"),
                       ]).min(0)


def _ceiling_gauge(title: str, direction: str, word: str):
    ratio = f"{_agency_rate(direction)} / {_agency_quota('egov_quota_ceiling_bytes_per_second', direction)}"
    return _gauge(title, f"Laju {word} terhadap plafon yang berlaku; merah mulai 90 %. {PER_POLL_TEXT}", "percentunit",
                  [_query(ratio, "Plafon terpakai", instant=True)]) \
        .min(0).max(1).thresholds(_thresholds(GREEN, (0.75, ORANGE), (0.9, RED)))


def agency_bandwidth() -> dashboard.Dashboard:
    month_state = _state_code("egov_quota_month_state", "state", ["within", "warning", "exceeded", "no-cap"],
                              "agency", AGENCY)
    limited = _state_code("egov_quota_limited", "reason", ["none", "off-hours", "throttled"], "agency", AGENCY)
    return (
        _dashboard("egov-agency-bandwidth", "Bandwidth Perangkat Daerah terhadap kuota",
                   "Pemakaian bandwidth satu Perangkat Daerah (Pasal 10): laju unduh dan unggah terhadap laju "
                   "terjamin dan plafon yang berlaku, volume bulan ini terhadap batas volume bulanan, dan status "
                   "kuotanya. Pilih Perangkat Daerah di atas.")
        .with_variable(dashboard.QueryVariable("agency").label("Perangkat Daerah")
                       .description("Perangkat Daerah yang memiliki kuota bandwidth.")
                       .datasource(DATASOURCE).query("label_values(egov_quota_info, agency)")
                       .refresh(VariableRefresh.ON_DASHBOARD_LOAD).sort(VariableSort.ALPHABETICAL_ASC)
                       .allow_custom_value(False))
        .with_row(dashboard.Row("Laju saat ini"))
        .with_panel(_rate_panel("Unduh: laju, terjamin dan plafon (bit/detik)", "down", "unduh"))
        .with_panel(_rate_panel("Unggah: laju, terjamin dan plafon (bit/detik)", "up", "unggah"))
        .with_panel(_ceiling_gauge("Plafon unduh terpakai (%)", "down", "unduh"))
        .with_panel(_ceiling_gauge("Plafon unggah terpakai (%)", "up", "unggah"))
        .with_panel(_stat("Pembatasan yang berlaku", "Mengapa plafon saat ini berbeda dari plafon jam kerja.",
                          "none", [_query(limited, "Pembatasan", instant=True)], width=12, height=8)
                    .mappings(_mapping({1: ("Tanpa pembatasan", GREEN), 2: ("Di luar jam kerja", BLUE),
                                        3: ("Dibatasi: batas volume bulanan terlampaui", RED)})))
        .with_row(dashboard.Row("Volume bulan ini"))
        .with_panel(_stat("Status volume bulan ini", "Status pemakaian bulan ini (zona waktu Asia/Jakarta) "
                          "terhadap batas volume bulanan, seperti dihitung NetBox.", "none",
                          [_query(month_state, "Status", instant=True)], width=8, height=8)
                    .mappings(_mapping({1: ("Dalam kuota", GREEN), 2: ("Peringatan (90%)", ORANGE),
                                        3: ("Terlampaui", RED), 4: ("Tanpa batas volume", BLUE)})))
        .with_panel(_stat("Volume bulan ini dan batasnya (byte)", "Unduh dan unggah bulan ini, dan batas volume "
                          "bulanan (tidak ada bila kuota tanpa batas).", "bytes", [
                              _query(MONTH_USED, "Terpakai", instant=True),
                              _query(MONTH_CAP, "Batas bulanan", instant=True),
                          ], width=8, height=8, text_mode=BigValueTextMode.VALUE_AND_NAME)
                    .color_mode(BigValueColorMode.NONE))
        .with_panel(_gauge("Volume bulan ini terhadap batas (%)", "Unduh ditambah unggah bulan ini dibagi batas "
                           "volume bulanan; peringatan mulai 90 %.", "percentunit",
                           [_query(f"{MONTH_USED} / {MONTH_CAP}", "Terpakai", instant=True)], width=8)
                    .min(0).max(1).thresholds(_thresholds(GREEN, (0.9, ORANGE), (1, RED))))
        .with_panel(_timeseries("Volume bulan ini per arah (byte)", "Volume kumulatif bulan ini menurut NetBox, "
                                "dan batas volume bulanan.", "bytes", [
                                    _query(f'sum by (agency) (egov_quota_month_usage_bytes{{{AGENCY}, '
                                          'direction="down"})', "Unduh"),
                                    _query(f'sum by (agency) (egov_quota_month_usage_bytes{{{AGENCY}, '
                                          'direction="up"})', "Unggah"),
                                    _query(MONTH_CAP, "Batas bulanan"),
                                ], width=24))
        .with_row(dashboard.Row("Penegakan"))
        .with_panel(_column(
            _table("Titik penegakan kuota", "Perangkat dan antarmuka tempat kuota ditegakkan, dan tindakan saat "
                   "batas volume bulanan terlampaui.", "none", [
                       _query(f"max by (agency, device, interface, site, cap_action) (egov_quota_info{{{AGENCY}}})",
                             instant=True, table_format=True)],
                   {"device": "Perangkat", "interface": "Antarmuka", "site": "Lokasi",
                    "cap_action": "Saat batas terlampaui"}, height=5),
            "Saat batas terlampaui", mappings=[ValueMap(options={
                "throttle": ValueMappingResult(text="Batasi ke plafon yang diturunkan", color=ORANGE, index=0),
                "notify": ValueMappingResult(text="Beri tahu saja", color=BLUE, index=1),
            })]))
    )


# ---------------------------------------------------------------------------------------------------------------
# (3) Gateways and devices

UP_TEXT = _mapping({0: ("Tidak terjangkau", RED), 1: ("Terjangkau", GREEN)})


def _interface_top(metric_rx: str, metric_tx: str) -> list:
    return [
        _query(f"topk(10, {_per_poll(metric_rx, 'device, interface')})", "{{device}} {{interface}} masuk"),
        _query(f"topk(10, {_per_poll(metric_tx, 'device, interface')})", "{{device}} {{interface}} keluar"),
    ]


def device_health() -> dashboard.Dashboard:
    oper = "max by (device, interface) (egov_interface_oper_status)"
    admin = "max by (device, interface) (egov_interface_admin_status)"
    return (
        _dashboard("egov-device-health", "Kesehatan gateway dan perangkat",
                   "Perangkat yang dipantau kolektor SNMP: keterjangkauan, durasi poll, galat dan paket yang "
                   "dibuang di antarmuka, dan status operasional antarmuka. Gateway Perangkat Daerah adalah "
                   "perangkat penegakan kuotanya.")
        .with_row(dashboard.Row("Keterjangkauan"))
        .with_panel(_stat("Perangkat terjangkau", "Perangkat yang menjawab poll terakhir.", "none",
                          [_query("sum(egov_device_up)", "Terjangkau", instant=True)])
                    .color_mode(BigValueColorMode.NONE))
        .with_panel(_stat("Perangkat tidak terjangkau", "Perangkat yang tidak menjawab poll terakhir.", "none",
                          [_query("sum(1 - egov_device_up)", "Tidak terjangkau", instant=True)])
                    .thresholds(_thresholds(GREEN, (1, RED))))
        .with_panel(_stat("Antarmuka admin up tetapi tidak up",
                          "Antarmuka yang diaktifkan (ifAdminStatus up) tetapi status operasionalnya bukan up.",
                          "none", [_query(f"sum(({oper} != bool 1) * on (device, interface) ({admin} == bool 1))",
                                         "Antarmuka", instant=True)])
                    .thresholds(_thresholds(GREEN, (1, ORANGE))))
        .with_panel(_stat("Poll gagal pada rentang waktu ini", "Poll perangkat yang gagal pada rentang waktu "
                          "dasbor, seluruh perangkat.", "none",
                          [_query("sum(increase(egov_device_poll_failures_total[$__range]))", "Poll gagal",
                                 instant=True)])
                    .decimals(0).thresholds(_thresholds(GREEN, (1, ORANGE))))
        .with_panel(_column(_column(
            _table("Gateway penegakan kuota per Perangkat Daerah", "Apakah gateway tiap Perangkat Daerah menjawab "
                   "poll terakhir, dan sejak kapan poll terakhir berhasil.", "none", [
                       _query("sort(max by (device) (egov_device_up) * on (device) group_right "
                             "max by (agency, device) (egov_quota_info))", instant=True, table_format=True),
                       _query("(time() - max by (device) (egov_device_last_success_timestamp_seconds))"
                             " * on (device) group_right max by (agency, device) (egov_quota_info)",
                             instant=True, table_format=True),
                   ], {"agency": "Perangkat Daerah", "device": "Gateway", "Value #A": "Status",
                       "Value #B": "Sejak poll berhasil terakhir"}),
            "Status", mappings=UP_TEXT), "Sejak poll berhasil terakhir", unit="s"))
        .with_row(dashboard.Row("Poll"))
        .with_panel(_timeseries("Durasi poll, 10 perangkat terlama (detik)", "Lama poll terakhir tiap perangkat; "
                                "poll yang lama mendekati interval siklus.", "s",
                                [_query("topk(10, max by (device) (egov_device_poll_duration_seconds))",
                                       "{{device}}")]))
        .with_panel(_timeseries("Nilai SNMP per poll, 10 perangkat terbanyak", "Jumlah nilai SNMP yang diterima "
                                "poll terakhir; turun tajam berarti tabel yang hilang.", "short",
                                [_query("topk(10, max by (device) (egov_device_poll_values))", "{{device}}")]))
        .with_row(dashboard.Row("Galat antarmuka"))
        .with_panel(_timeseries("Galat antarmuka, 10 tertinggi (paket/detik)", "ifInErrors dan ifOutErrors "
                                f"per detik. {PER_POLL_TEXT}", "pps",
                                _interface_top("egov_interface_receive_errors_total",
                                               "egov_interface_transmit_errors_total")))
        .with_panel(_timeseries("Paket dibuang antarmuka, 10 tertinggi (paket/detik)", "ifInDiscards dan "
                                f"ifOutDiscards per detik (antrean penuh, pembatasan). {PER_POLL_TEXT}", "pps",
                                _interface_top("egov_interface_receive_discards_total",
                                               "egov_interface_transmit_discards_total")))
        .with_row(dashboard.Row("Rincian perangkat dan antarmuka").with_panel(_column(_column(
            _table("Perangkat", "Setiap perangkat yang dipantau: keterjangkauan, durasi poll terakhir dan waktu "
                   "sejak poll berhasil terakhir. Yang tidak terjangkau di atas.", "none", [
                       _query("sort(max by (device, site, agency) (egov_device_up))", instant=True,
                             table_format=True),
                       _query("max by (device, site, agency) (egov_device_poll_duration_seconds)", instant=True,
                             table_format=True),
                   ], {"device": "Perangkat", "site": "Lokasi", "agency": "Perangkat Daerah", "Value #A": "Status",
                       "Value #B": "Durasi poll"}),
            "Status", mappings=UP_TEXT), "Durasi poll", unit="s")).with_panel(_column(_column(
            _table("Antarmuka", "Status operasional dan administratif tiap antarmuka; yang tidak up di atas.",
                   "none", [
                       _query(f"sort_desc({oper})", instant=True,
                             table_format=True),
                       _query(admin, instant=True, table_format=True),
                   ], {"device": "Perangkat", "interface": "Antarmuka", "Value #A": "Status operasional",
                       "Value #B": "Status administratif"}, height=12),
            "Status operasional", mappings=OPER_STATUS_TEXT), "Status administratif", mappings=_mapping(
                {1: ("Up", GREEN), 2: ("Down", GREY), 3: ("Pengujian", ORANGE)}))))
    )


# ---------------------------------------------------------------------------------------------------------------
# (4) Data center and disaster recovery

DAY = 86400
PLAN = "plan, primary_site, dr_site"


def dc_dr() -> dashboard.Dashboard:
    since_drill = f"(time() - max by ({PLAN}) (egov_dr_plan_last_drill_timestamp_seconds)) / {DAY}"
    until_drill = f"(max by ({PLAN}) (egov_dr_plan_next_drill_due_timestamp_seconds) - time()) / {DAY}"
    active = 'max by (plan) (egov_dr_plan_status{status="active"})'
    overdue = (f"sum((max by (plan) (egov_dr_plan_next_drill_due_timestamp_seconds) < bool time())"
               f" * on (plan) {active})")
    return (
        _dashboard("egov-dc-dr", "Pusat data dan pemulihan bencana",
                   "Rencana pemulihan bencana (DR) antara lokasi utama dan lokasi pemulihan (Pasal 9): sasaran "
                   "RPO dan RTO, umur uji coba terakhir dan jadwal uji berikutnya, serta penempatan sistem "
                   "Perangkat Daerah di pusat data.")
        .with_row(dashboard.Row("Ringkasan"))
        .with_panel(_count_per_status("Rencana DR per status", "Rencana DR menurut statusnya di NetBox.",
                                      "egov_dr_plan_status", {"active": "Aktif", "draft": "Draf",
                                                              "retired": "Dipensiunkan"}, width=8))
        .with_panel(_stat("Rencana aktif dengan uji coba terlambat", "Rencana DR aktif yang jadwal uji "
                          "berikutnya sudah lewat.", "none", [_query(overdue, "Terlambat", instant=True)], width=8)
                    .thresholds(_thresholds(GREEN, (1, RED))))
        .with_panel(_stat("Perangkat Daerah dengan sistem di pusat data (%)", "Bagian Perangkat Daerah yang "
                          "lulus pemeriksaan kepatuhan penempatan sistem di Pusat Data.", "percentunit",
                          [_query('avg(egov_compliance_check{check="systems_in_data_center"})', "Di pusat data",
                                 instant=True)], width=8)
                    .min(0).max(1).thresholds(_thresholds(RED, (0.5, ORANGE), (1, GREEN))))
        .with_row(dashboard.Row("Uji coba"))
        .with_panel(_bargauge("Hari sejak uji coba terakhir (hari)", "Umur uji coba DR terakhir tiap rencana "
                              "(tidak tampil bila belum pernah diuji).", "d",
                              [_query(f"sort_desc({since_drill})", "{{plan}}", instant=True)])
                    .min(0).thresholds(_thresholds(BLUE)))
        .with_panel(_bargauge("Hari menuju uji coba berikutnya (hari; negatif = terlambat)", "Sisa hari sampai "
                              "jadwal uji berikutnya; merah bila sudah lewat, jingga dua minggu sebelumnya.", "d",
                              [_query(f"sort({until_drill})", "{{plan}}", instant=True)])
                    .thresholds(_thresholds(RED, (0, ORANGE), (14, GREEN))))
        .with_row(dashboard.Row("Rencana DR"))
        .with_panel(_column(_column(_column(_column(_column(_column(
            _table("Rencana DR", "Setiap rencana DR: sasaran pemulihan, uji coba, dan statusnya.", "none", [
                _query(f"max by ({PLAN}) (egov_dr_plan_rpo_seconds)", instant=True, table_format=True),
                _query(f"max by ({PLAN}) (egov_dr_plan_rto_seconds)", instant=True, table_format=True),
                _query(f"max by ({PLAN}) (egov_dr_plan_last_drill_timestamp_seconds) * 1000", instant=True,
                      table_format=True),
                _query(f"max by ({PLAN}) (egov_dr_plan_last_drill_succeeded)", instant=True, table_format=True),
                _query(f"max by ({PLAN}) (egov_dr_plan_next_drill_due_timestamp_seconds) * 1000", instant=True,
                      table_format=True),
                _query(_state_code("egov_dr_plan_status", "status", ["draft", "active", "retired"], PLAN),
                      instant=True, table_format=True),
            ], {"plan": "Rencana", "primary_site": "Lokasi utama", "dr_site": "Lokasi pemulihan",
                "Value #A": "RPO", "Value #B": "RTO", "Value #C": "Uji terakhir", "Value #D": "Hasil uji terakhir",
                "Value #E": "Jadwal uji berikutnya", "Value #F": "Status"}),
            "RPO", unit="s"), "RTO", unit="s"), "Uji terakhir", unit="dateTimeAsIso"),
            "Hasil uji terakhir", mappings=_mapping({0: ("Gagal atau lulus sebagian", RED), 1: ("Lulus", GREEN)})),
            "Jadwal uji berikutnya", unit="dateTimeAsIso"),
            "Status", mappings=_mapping({1: ("Draf", BLUE), 2: ("Aktif", GREEN), 3: ("Dipensiunkan", GREY)})))
        .with_panel(_bargauge("RPO dan RTO per rencana (detik)", "Sasaran titik pemulihan (RPO: data yang boleh "
                              "hilang) dan waktu pemulihan (RTO: lama layanan boleh mati).", "s", [
                                  _query("max by (plan) (egov_dr_plan_rpo_seconds)", "{{plan}} RPO", instant=True),
                                  _query("max by (plan) (egov_dr_plan_rto_seconds)", "{{plan}} RTO", instant=True),
                              ], width=24).thresholds(_thresholds(BLUE)))
    )


# ---------------------------------------------------------------------------------------------------------------
# (5) Compliance

CHECK_NAMES = {
    "has_ict_officer": "Ada Pengelola TIK",
    "cables_labelled": "Kabel berlabel",
    "devices_covered": "Perangkat tercatat",
    "quota_assigned": "Kuota ditetapkan",
    "systems_in_data_center": "Sistem di Pusat Data",
    "assessments_current": "Penilaian keamanan terkini",
    "documentation_matches": "Dokumentasi sesuai jaringan",
}


def compliance() -> dashboard.Dashboard:
    # One row per agency, one column per check: the instant result (agency, check, Value) pivoted.
    matrix = _panel(table.Panel(), "Pemeriksaan per Perangkat Daerah", "Hasil tiap pemeriksaan kepatuhan per "
                    "Perangkat Daerah (kosong bila pemeriksaan tidak berlaku).", "none",
                    [_query("max by (agency, check) (egov_compliance_check)", instant=True, table_format=True)],
                    width=24, height=12).show_header(True).transformations([
        DataTransformerConfig(id_val="groupingToMatrix",
                              options={"columnField": "check", "rowField": "agency", "valueField": "Value"}),
        DataTransformerConfig(id_val="organize", options={
            "indexByName": {name: index for index, name in enumerate(["agency\\check", *CHECK_NAMES])},
            "renameByName": {"agency\\check": "Perangkat Daerah", **CHECK_NAMES},
        }),
    ]).mappings(_mapping({0: ("Tidak patuh", RED), 1: ("Patuh", GREEN)}))
    return (
        _dashboard("egov-compliance", "Kepatuhan Perangkat Daerah",
                   "Kartu kepatuhan tiap Perangkat Daerah: skor (bagian pemeriksaan yang berlaku dan lulus) dan "
                   "pemeriksaan yang gagal, dihitung NetBox.")
        .with_panel(_stat("Skor kepatuhan rata-rata (%)", "Rata-rata skor seluruh Perangkat Daerah.",
                          "percentunit", [_query("avg(egov_compliance_score_ratio)", "Rata-rata", instant=True)])
                    .min(0).max(1).thresholds(_thresholds(RED, (0.5, ORANGE), (1, GREEN))))
        .with_panel(_stat("Pemeriksaan gagal, seluruh Perangkat Daerah", "Jumlah pemeriksaan yang berlaku tetapi "
                          "tidak lulus.", "none", [_query("sum(1 - egov_compliance_check)", "Gagal", instant=True)])
                    .thresholds(_thresholds(GREEN, (1, ORANGE))))
        .with_panel(_display_names(
            _bargauge("Perangkat Daerah yang gagal per pemeriksaan", "Untuk tiap pemeriksaan, berapa Perangkat "
                      "Daerah yang tidak lulus.", "none",
                      [_query("sum by (check) (1 - egov_compliance_check)", "{{check}}", instant=True)]),
            CHECK_NAMES).min(0).thresholds(_thresholds(GREEN, (1, ORANGE))))
        .with_panel(_bargauge("Skor kepatuhan per Perangkat Daerah (%)", "Bagian pemeriksaan yang berlaku dan "
                              "lulus; hijau hanya bila semua lulus.", "percentunit",
                              [_query("sort(max by (agency) (egov_compliance_score_ratio))", "{{agency}}",
                                     instant=True)], height=12)
                    .min(0).max(1).thresholds(_thresholds(RED, (0.5, ORANGE), (1, GREEN))))
        .with_panel(_bargauge("Pemeriksaan gagal per Perangkat Daerah", "Jumlah pemeriksaan yang tidak lulus.",
                              "none", [_query("sort_desc(sum by (agency) (1 - egov_compliance_check))", "{{agency}}",
                                             instant=True)], height=12)
                    .min(0).thresholds(_thresholds(GREEN, (1, ORANGE), (3, RED))))
        .with_panel(matrix)
    )


# ---------------------------------------------------------------------------------------------------------------
# (6) The collectors' and the exporter's own health

DISCARD_REASONS = {
    "over-speed": "Melebihi kecepatan antarmuka",
    "discontinuity": "Penghitung terputus",
    "restart-implausible": "Restart tidak masuk akal",
    "clock": "Jam tidak konsisten",
}
SOURCE_NAMES = {"redis": "Data kolektor (Redis)", "netbox": "NetBox"}


def monitoring_health() -> dashboard.Dashboard:
    return (
        _dashboard("egov-monitoring-health", "Kesehatan kolektor dan exporter",
                   "Apakah data dasbor lain masih segar: siklus poll kolektor SNMP, pekerjaan yang tersisa, siklus "
                   "yang terlewat, sumber data egov-exporter, dan delta penghitung yang dibuang.")
        .with_row(dashboard.Row("Siklus kolektor"))
        .with_panel(_stat("Umur siklus terakhir yang selesai (detik)", "Waktu sejak siklus poll terakhir selesai; "
                          "jauh di atas interval siklus berarti kolektor macet.", "s",
                          [_query("time() - max(egov_collector_cycle_finished_timestamp_seconds)", "Umur",
                                 instant=True)])
                    .thresholds(_thresholds(GREEN, (900, ORANGE), (1800, RED))))
        .with_panel(_stat("Pekerjaan siklus tersisa", "Pekerjaan siklus berjalan yang belum selesai, dari seluruh "
                          "perangkat yang direncanakan.", "none", [
                              _query("max(egov_collector_cycle_jobs_left)", "Tersisa", instant=True),
                              _query("max(egov_collector_cycle_devices)", "Perangkat direncanakan", instant=True),
                          ], text_mode=BigValueTextMode.VALUE_AND_NAME).color_mode(BigValueColorMode.NONE))
        .with_panel(_stat("Siklus terlewat pada rentang waktu ini", "Siklus yang tidak dimulai karena siklus "
                          "sebelumnya belum selesai (overrun).", "none",
                          [_query("sum(increase(egov_collector_cycle_overruns_total[$__range]))", "Terlewat",
                                 instant=True)])
                    .decimals(0).thresholds(_thresholds(GREEN, (1, ORANGE))))
        .with_panel(_stat("Siklus berjalan sejak (detik)", "Waktu sejak siklus terakhir dimulai.", "s",
                          [_query("time() - max(egov_collector_cycle_started_timestamp_seconds)", "Berjalan",
                                 instant=True)]).color_mode(BigValueColorMode.NONE))
        .with_panel(_timeseries("Pekerjaan siklus tersisa sepanjang waktu", "Pekerjaan yang belum selesai; harus "
                                "kembali ke nol sebelum siklus berikutnya.", "short",
                                [_query("max(egov_collector_cycle_jobs_left)", "Tersisa")]))
        .with_panel(_display_names(
            _timeseries("Delta penghitung Perangkat Daerah yang dibuang, per alasan", "Delta penghitung yang tidak "
                        "dihitung ke pemakaian karena tidak masuk akal, per interval.", "short",
                        [_query(f"sum by (reason) (increase(egov_device_discarded_deltas_total[{RATE}]))",
                               "{{reason}}")]),
            DISCARD_REASONS))
        .with_row(dashboard.Row("egov-exporter"))
        .with_panel(_display_names(
            _stat("Sumber data exporter", "Apakah bacaan terakhir tiap sumber berhasil (NetBox yang gagal tetap "
                  "menyajikan data terakhir yang baik).", "none",
                  [_query("max by (source) (egov_exporter_source_up)", "{{source}}", instant=True)],
                  text_mode=BigValueTextMode.VALUE_AND_NAME).mappings(_mapping({0: ("Gagal", RED),
                                                                                1: ("Berhasil", GREEN)})),
            SOURCE_NAMES))
        .with_panel(_display_names(
            _stat("Umur bacaan berhasil terakhir per sumber (detik)", "Waktu sejak bacaan terakhir yang berhasil.",
                  "s", [_query("time() - max by (source) (egov_exporter_source_last_success_timestamp_seconds)",
                              "{{source}}", instant=True)], text_mode=BigValueTextMode.VALUE_AND_NAME)
            .thresholds(_thresholds(GREEN, (300, ORANGE), (900, RED))),
            SOURCE_NAMES))
        .with_panel(_stat("Versi exporter", "Versi egov-exporter yang berjalan.", "none",
                          [_query("max by (version) (egov_exporter_build_info)", "{{version}}", instant=True)],
                          text_mode=BigValueTextMode.NAME).color_mode(BigValueColorMode.NONE).span(12))
        .with_panel(_display_names(
            _timeseries("Durasi baca sumber (detik)", "Lama bacaan terakhir tiap sumber data exporter.", "s",
                        [_query("max by (source) (egov_exporter_source_duration_seconds)", "{{source}}")], width=24),
            SOURCE_NAMES))
    )


# ---------------------------------------------------------------------------------------------------------------
# Output

DASHBOARDS = (backbone, agency_bandwidth, device_health, dc_dr, compliance, monitoring_health)


def _laid_out(data: dict) -> dict:
    """Panel ids 1, 2, ... in order and positions on the 24-column grid, left to right, a panel that does not fit
    starting a new line and each row its own line (the builder lets a panel overflow the line)."""
    number = 0
    x = y = line_height = 0

    def place(panel: dict) -> None:
        nonlocal number, x, y, line_height
        number += 1
        panel["id"] = number
        grid = panel["gridPos"]
        if panel["type"] == "row" or x + grid["w"] > 24:
            x, y, line_height = 0, y + line_height, 0
        grid["x"], grid["y"] = x, y
        x += grid["w"]
        line_height = max(line_height, grid["h"])

    for panel in data.get("panels", []):
        place(panel)
        for inner in panel.get("panels", []):
            place(inner)
    return data


def build_all() -> dict[str, dict]:
    """Every dashboard as Grafana JSON, by file name (``<uid>.json``)."""
    built = {}
    for make in DASHBOARDS:
        data = _laid_out(json.loads(json.dumps(make().build(), cls=JSONEncoder)))
        built[f"{data['uid']}.json"] = data
    return built


def render(data: dict) -> str:
    """The file's text: sorted keys, two-space indent, UTF-8, a final newline, so regeneration is byte-stable."""
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def write(directory: Path = PROVISIONING) -> list[Path]:
    """Write every dashboard into ``directory`` and remove JSON files of dashboards that no longer exist."""
    directory.mkdir(parents=True, exist_ok=True)
    built = build_all()
    for stale in directory.glob("*.json"):
        if stale.name not in built:
            stale.unlink()
    written = []
    for name, data in sorted(built.items()):
        path = directory / name
        path.write_text(render(data), encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    """``dashboards.py [DIRECTORY]``: write the dashboards (default: provisioning/dashboards next to this file)."""
    args = sys.argv[1:] if argv is None else argv
    directory = Path(args[0]) if args else PROVISIONING
    for path in write(directory):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
