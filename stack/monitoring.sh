# shellcheck shell=bash
# The demo's monitoring beside NetBox; sourced by `netbox.sh serve --monitoring` (after lib.sh), never run.
#
# start_monitoring starts, in the background of the calling shell:
#   - the simulated devices: as root, network namespaces with snmpd and real traffic (stack/live_network.py),
#     else snmpsim agents on the loopback (stack/simulated_agents.py);
#   - the collector scheduler and one worker (`egov-collector run` and `worker`), as root inside the simulated
#     network's noc namespace, where relays carry NetBox and Redis to them on the same ports;
#   - egov-exporter on 127.0.0.1:EGOV_EXPORTER_PORT, with the demo's monitoring user's token;
#   - Prometheus on 127.0.0.1:EGOV_PROMETHEUS_PORT with the shipped rules, finding the exporter through NetBox.
# Each pid goes to MONITORING_PIDS (the simulated devices' to DEVICES_PID: stopped last, once the collectors in
# their namespace are gone); stop_monitoring stops them by pid. Data and logs: $EGOV_STATE_DIR/monitoring.

MONITORING_DIR=$EGOV_STATE_DIR/monitoring
COLLECTOR_SECRETS=$EGOV_SECRETS_DIR/collector-secrets.toml
# A live demo polls every 30 s (a service polls every 5 minutes); set EGOV_COLLECTOR_INTERVAL to change it.
EGOV_COLLECTOR_INTERVAL=${EGOV_COLLECTOR_INTERVAL:-30}
DEMO_DATA=$EGOV_ROOT/plugin/netbox_egov/demo/collector.yaml
NETBOX_URL=http://127.0.0.1:$EGOV_HTTP_PORT/
MONITORING_PIDS=()
DEVICES_PID=""
NOC_NAMESPACE=""
declare -gA STARTED=()  # pid -> "what (its log)", to say which one stopped the demo

start_monitoring() {
    mkdir -p "$MONITORING_DIR"
    write_collector_secrets
    wait_until_netbox_answers
    if [ "$(demo_agents)" = namespaces ]; then
        start_live_network
    else
        echo "egov-netops: not root (or not allowed to make network namespaces): the demo's devices are snmpsim" \
            "agents on 127.0.0.x, not network namespaces with snmpd and real traffic"
        start_simulated_agents
    fi
    start_collectors
    start_exporter
    start_prometheus
}

# Processes started here, then the simulated devices (their namespaces go once nothing runs in them). Should the
# simulated network not have finished within a minute, its record takes down what it left.
stop_monitoring() {
    stop_children "${MONITORING_PIDS[@]}"
    if [ -n "$DEVICES_PID" ]; then
        STOP_SECONDS=60 stop_children "$DEVICES_PID"
        if [ -n "$NOC_NAMESPACE" ]; then
            "$(venv_python)" "$EGOV_ROOT/stack/live_network.py" down --workdir "$MONITORING_DIR/live-network" || true
        fi
    fi
}

# Record a started process: its pid, what it is and its log ("devices" last: the simulated devices).
started() {
    local pid=$1
    STARTED[$pid]="$2 (log: $3)"
    if [ "${4:-}" = devices ]; then
        DEVICES_PID=$pid
    else
        MONITORING_PIDS+=("$pid")
    fi
}

# Say which of the monitoring's processes has stopped (after `wait -n` returned).
report_stopped() {
    local pid
    for pid in "${!STARTED[@]}"; do
        kill -0 "$pid" 2>/dev/null || echo "egov-netops: ${STARTED[$pid]} stopped; stopping the demo" >&2
    done
}

# gunicorn's port opens before its workers have loaded NetBox: the devices read NetBox first thing.
wait_until_netbox_answers() {
    "$(venv_python)" - "$NETBOX_URL" <<'PY' || die "NetBox at $NETBOX_URL did not answer within 180 s; see $NETBOX_ROOT/web.log"
import sys, time, urllib.error, urllib.request

deadline = time.monotonic() + 180
while True:
    try:
        urllib.request.urlopen(sys.argv[1] + "api/status/", timeout=10).close()
        break
    except urllib.error.HTTPError:
        break  # an answer all the same
    except OSError:
        if time.monotonic() > deadline:
            sys.exit(1)
        time.sleep(1)
PY
}

wait_until_listening() {
    local port=$1 pid=$2 what=$3 log=$4
    for _ in $(seq 1 120); do
        port_in_use "$port" && return 0
        kill -0 "$pid" 2>/dev/null || { tail -n 20 "$log" >&2; die "$what exited; see $log"; }
        sleep 0.5
    done
    die "$what is not listening on 127.0.0.1:$port after 60 s; see $log"
}

# The collectors' secrets file (mode 600): the credentials the demo's polling profiles name, from secrets made
# once in the state folder; the simulated devices are configured from this same file.
write_collector_secrets() {
    local community auth_key priv_key
    community=$(secret snmp_community 24)
    auth_key=$(secret snmp_auth_key 32)
    priv_key=$(secret snmp_priv_key 32)
    (umask 077 && cat >"$COLLECTOR_SECRETS" <<TOML
# Written by stack/monitoring.sh: the credentials of the demo's polling profiles (collector.yaml).
[snmp.gateways-v2c]
community = "$community"

[snmp.backbone-v3]
user = "egov-poller"
auth_protocol = "SHA256"
auth_key = "$auth_key"
priv_protocol = "AES"
priv_key = "$priv_key"
TOML
    )
}

# DEVICES_ARGS: where the simulated devices keep their files ($1), and how they read themselves from NetBox (the
# demo's read-only push token) and their credentials.
devices_arguments() {
    DEVICES_ARGS=(--workdir "$1" --secrets "$COLLECTOR_SECRETS" --netbox-url "$NETBOX_URL"
                  --token-file "$EGOV_SECRETS_DIR/push-token" --spec "$DEMO_DATA")
}

wait_until_ready() {
    local ready=$1 pid=$2 what=$3 log=$4
    for _ in $(seq 1 240); do
        [ -s "$ready" ] && return 0
        kill -0 "$pid" 2>/dev/null || { tail -n 20 "$log" >&2; die "$what did not start; see $log"; }
        sleep 0.5
    done
    die "$what not ready after 120 s; see $log"
}

start_live_network() {
    local workdir=$MONITORING_DIR/live-network log=$MONITORING_DIR/live-network.log
    # A run that was killed (not stopped) left a record: its namespaces and processes go first.
    "$(venv_python)" "$EGOV_ROOT/stack/live_network.py" down --workdir "$workdir"
    rm -f "$workdir/ready"
    devices_arguments "$workdir"
    "$(venv_python)" "$EGOV_ROOT/stack/live_network.py" run --run-id $$ "${DEVICES_ARGS[@]}" \
        --relay-port "$EGOV_HTTP_PORT" --relay-port "$EGOV_REDIS_PORT" >"$log" 2>&1 &
    started $! "the simulated network" "$log" devices
    wait_until_ready "$workdir/ready" "$DEVICES_PID" "the simulated network" "$log"
    NOC_NAMESPACE=$(cat "$workdir/ready")
}

start_simulated_agents() {
    local workdir=$MONITORING_DIR/simulated-agents log=$MONITORING_DIR/simulated-agents.log
    rm -f "$workdir/ready"
    devices_arguments "$workdir"
    "$(venv_python)" "$EGOV_ROOT/stack/simulated_agents.py" run "${DEVICES_ARGS[@]}" >"$log" 2>&1 &
    started $! "the snmpsim agents" "$log" devices
    wait_until_ready "$workdir/ready" "$DEVICES_PID" "the snmpsim agents" "$log"
}

redis_url() {
    echo "redis://:$(secret redis_password)@127.0.0.1:$EGOV_REDIS_PORT/2"
}

# The scheduler and one worker; as root in the noc namespace, where 127.0.0.1's NetBox and Redis are relays.
start_collectors() {
    local place=() command log
    [ -n "$NOC_NAMESPACE" ] && place=(ip netns exec "$NOC_NAMESPACE")
    mkdir -p "$MONITORING_DIR/collector-spool"
    for command in run worker; do
        log=$MONITORING_DIR/collector-$command.log
        (
            export EGOV_COLLECTOR_NETBOX_URL=$NETBOX_URL EGOV_COLLECTOR_REDIS_URL
            export EGOV_COLLECTOR_NETBOX_TOKEN_FILE=$EGOV_SECRETS_DIR/collector-token
            export EGOV_COLLECTOR_SECRETS=$COLLECTOR_SECRETS EGOV_COLLECTOR_INTERVAL
            export EGOV_COLLECTOR_SPOOL_DIR=$MONITORING_DIR/collector-spool
            EGOV_COLLECTOR_REDIS_URL=$(redis_url)
            exec "${place[@]}" "$EGOV_VENV/bin/egov-collector" -v "$command"
        ) >"$log" 2>&1 &
        started $! "egov-collector $command" "$log"
    done
}

start_exporter() {
    local log=$MONITORING_DIR/exporter.log pid
    (
        export EGOV_EXPORTER_LISTEN=127.0.0.1:$EGOV_EXPORTER_PORT EGOV_EXPORTER_NETBOX_URL=$NETBOX_URL
        export EGOV_EXPORTER_NETBOX_TOKEN_FILE=$EGOV_SECRETS_DIR/monitoring-token EGOV_EXPORTER_NETBOX_INTERVAL=30
        EGOV_EXPORTER_REDIS_URL=$(redis_url)
        export EGOV_EXPORTER_REDIS_URL
        exec "$EGOV_VENV/bin/egov-exporter" serve
    ) >"$log" 2>&1 &
    pid=$!
    started "$pid" "egov-exporter" "$log"
    wait_until_listening "$EGOV_EXPORTER_PORT" "$pid" "egov-exporter" "$log"
}

start_prometheus() {
    local folder=$MONITORING_DIR/prometheus log=$MONITORING_DIR/prometheus.log pid
    command -v prometheus >/dev/null || die "prometheus not found; run: apt-get install prometheus"
    mkdir -p "$folder/data"
    "$(venv_python)" "$EGOV_ROOT/stack/prometheus_config.py" \
        --example "$EGOV_ROOT/exporters/prometheus/prometheus.yml.example" --netbox-url "$NETBOX_URL" \
        --token-file "$EGOV_SECRETS_DIR/monitoring-token" --rules "$EGOV_ROOT/exporters/prometheus/rules" \
        --listen "127.0.0.1:$EGOV_PROMETHEUS_PORT" >"$folder/prometheus.yml"
    promtool check config "$folder/prometheus.yml" >"$folder/check.log" 2>&1 \
        || { cat "$folder/check.log" >&2; die "promtool refused $folder/prometheus.yml"; }
    prometheus --config.file="$folder/prometheus.yml" --storage.tsdb.path="$folder/data" \
        --web.listen-address="127.0.0.1:$EGOV_PROMETHEUS_PORT" >"$log" 2>&1 &
    pid=$!
    started "$pid" "Prometheus" "$log"
    wait_until_listening "$EGOV_PROMETHEUS_PORT" "$pid" "Prometheus" "$log"
}

monitoring_banner() {
    local devices
    if [ -n "$NOC_NAMESPACE" ]; then
        devices="network namespaces, the collectors in $NOC_NAMESPACE (ip netns exec $NOC_NAMESPACE ...)"
    else
        devices="snmpsim agents on 127.0.0.x (not root: no network namespaces)"
    fi
    cat <<MSG
  metrics:            http://127.0.0.1:$EGOV_EXPORTER_PORT/metrics  (egov-exporter)
  Prometheus:         http://127.0.0.1:$EGOV_PROMETHEUS_PORT/  (alerts: /alerts; rules of exporters/prometheus/rules)
  simulated devices:  $devices
  Grafana:            point yours at exporters/grafana/provisioning with
                      EGOV_PROMETHEUS_URL=http://127.0.0.1:$EGOV_PROMETHEUS_PORT (README, "Monitoring in the demo")
  monitoring logs:    $MONITORING_DIR/
MSG
}
