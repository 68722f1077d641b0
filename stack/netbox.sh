#!/usr/bin/env bash
# NetBox for the stack: configuration (generated once), migrations, admin
# user, demo data, and the web server and RQ worker in the foreground (with
# --monitoring, the demo's devices, collectors, exporter and Prometheus too).
# Usage: netbox.sh configure|migrate|admin|demo-data|serve [--monitoring]
set -euo pipefail
source "$(dirname "$0")/lib.sh"

CONF_DIR=$NETBOX_ROOT/conf

# stack.json tells the configuration where the services listen and where the
# secrets are; rewritten on every start so it follows the EGOV_* variables.
write_stack_settings() {
    local name
    for name in netbox_db_password redis_password; do secret "$name" >/dev/null; done
    secret secret_key 60 >/dev/null
    secret api_token_pepper 60 >/dev/null
    cat >"$CONF_DIR/stack.json" <<JSON
{
  "pg_port": $EGOV_PG_PORT,
  "redis_port": $EGOV_REDIS_PORT,
  "secrets_dir": "$EGOV_SECRETS_DIR",
  "plugin_settings": {"allow_documentation_space": true,
                      "push_netbox_url": "http://127.0.0.1:$EGOV_HTTP_PORT/",
                      "push_token_file": "$EGOV_SECRETS_DIR/push-token",
                      "prometheus_exporters": ["127.0.0.1:$EGOV_EXPORTER_PORT"]}
}
JSON
}

configure() {
    mkdir -p "$CONF_DIR" "$NETBOX_ROOT/media" "$NETBOX_ROOT/reports" "$NETBOX_ROOT/scripts"
    touch "$CONF_DIR/__init__.py"
    cp "$EGOV_ROOT/stack/netbox_configuration.py" "$CONF_DIR/configuration.py"
    write_stack_settings
}

migrate() {
    log "applying database migrations (the first run takes a few minutes)"
    netbox_cmd migrate --no-input >"$NETBOX_ROOT/migrate.log" 2>&1 \
        || { tail -n 20 "$NETBOX_ROOT/migrate.log" >&2; die "migrate failed; see $NETBOX_ROOT/migrate.log"; }
}

admin() {
    EGOV_ADMIN_PASSWORD=$EGOV_ADMIN_PASSWORD "$(venv_python)" "$EGOV_ROOT/stack/ensure_admin.py" \
        --username "$EGOV_ADMIN_USER" --password-env EGOV_ADMIN_PASSWORD
}

demo_data() {
    log "loading the Klaten demo data"
    # The demo's service users get their tokens here, each kept in a file (mode 600) for what signs in with it:
    # egov-push's (push_token_file: pushes from the demo's NetBox read NetBox with it, as an operator's would,
    # docs/enforcement.md), the monitoring user's (the exporter and Prometheus) and the collectors'. The collector
    # token is the data set's known one (docs/collectors.md) unless EGOV_DEMO_COLLECTOR_TOKEN says otherwise.
    local push_token=${EGOV_DEMO_PUSH_TOKEN:-nbt_klatenpush01.$(secret push_token_secret 40)}
    local monitoring_token=${EGOV_DEMO_MONITORING_TOKEN:-nbt_klatenmonit1.$(secret monitoring_token_secret 40)}
    local collector_token=${EGOV_DEMO_COLLECTOR_TOKEN:-$(data_set_token collector)}
    write_secret push-token "$push_token"
    write_secret monitoring-token "$monitoring_token"
    write_secret collector-token "$collector_token"
    EGOV_DEMO_PUSH_TOKEN=$push_token EGOV_DEMO_MONITORING_TOKEN=$monitoring_token \
        EGOV_DEMO_COLLECTOR_TOKEN=$collector_token EGOV_DEMO_AGENTS=$(demo_agents) netbox_cmd egov_load_demo --demo
}

write_secret() {
    (umask 077 && printf '%s\n' "$2" >"$EGOV_SECRETS_DIR/$1")
}

# A service user's token as the demo data set gives it (plugin/netbox_egov/demo/collector.yaml).
data_set_token() {
    "$(venv_python)" -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))[sys.argv[2]]["token"])' \
        "$EGOV_ROOT/plugin/netbox_egov/demo/collector.yaml" "$1"
}

# Static files where nginx serves them (NETBOX_ROOT/static); quick when nothing changed.
collect_static() {
    netbox_cmd collectstatic --no-input >"$NETBOX_ROOT/collectstatic.log" 2>&1 \
        || { tail -n 20 "$NETBOX_ROOT/collectstatic.log" >&2; die "collectstatic failed; see $NETBOX_ROOT/collectstatic.log"; }
}

# nginx's configuration from stack/nginx.conf.in: its pid, logs and temporary files under NETBOX_ROOT/nginx.
write_nginx_conf() {
    local state=$NETBOX_ROOT/nginx user=""
    mkdir -p "$state/tmp"
    # As root, nginx's workers drop to an unprivileged user; static files are world-readable.
    [ "$(id -u)" -eq 0 ] && user="user nobody nogroup;"
    sed -e "s|@USER@|$user|" -e "s|@STATE@|$state|g" -e "s|@STATIC@|$NETBOX_ROOT/static|" \
        -e "s|@HTTP_PORT@|$EGOV_HTTP_PORT|" -e "s|@WSGI_PORT@|$EGOV_WSGI_PORT|" \
        "$EGOV_ROOT/stack/nginx.conf.in" >"$state/nginx.conf"
    nginx -t -q -e "$state/error.log" -p "$state" -c "$state/nginx.conf" \
        || die "nginx refused its configuration; see $state/error.log"
}

# NetBox as its documentation deploys it, until Ctrl-C: gunicorn with NetBox's settings behind nginx, which
# serves the static files, and the RQ worker; with --monitoring, the demo's monitoring too (monitoring.sh). All
# stopped by pid on the way out.
serve() {
    local monitoring=${1:-}
    require_free_port "$EGOV_HTTP_PORT" EGOV_HTTP_PORT "nginx (the NetBox web address)"
    require_free_port "$EGOV_WSGI_PORT" EGOV_WSGI_PORT "gunicorn (NetBox behind nginx)"
    if [ "$monitoring" = --monitoring ]; then
        source "$EGOV_ROOT/stack/monitoring.sh"
        require_free_port "$EGOV_EXPORTER_PORT" EGOV_EXPORTER_PORT "egov-exporter (the demo's /metrics)"
        require_free_port "$EGOV_PROMETHEUS_PORT" EGOV_PROMETHEUS_PORT "Prometheus (the demo's)"
    fi
    collect_static
    write_nginx_conf
    # Started as plain commands (not through a shell function) so that $! is each server's own pid; kept in
    # globals, as the EXIT trap runs after serve() returns.
    PATH="$EGOV_VENV/bin:$PATH" "$EGOV_VENV/bin/netbox" rqworker >"$NETBOX_ROOT/rqworker.log" 2>&1 &
    worker_pid=$!
    EGOV_GUNICORN_BIND=127.0.0.1:$EGOV_WSGI_PORT PATH="$EGOV_VENV/bin:$PATH" "$EGOV_VENV/bin/gunicorn" \
        --config "$EGOV_ROOT/deploy/gunicorn.py" netbox.wsgi >"$NETBOX_ROOT/web.log" 2>&1 &
    wsgi_pid=$!
    nginx -e "$NETBOX_ROOT/nginx/error.log" -p "$NETBOX_ROOT/nginx" -c "$NETBOX_ROOT/nginx/nginx.conf" &
    nginx_pid=$!
    trap stop_servers EXIT
    # A TERM (a supervisor, `kill`) must stop the servers too: bash runs the EXIT trap only when it exits itself.
    trap 'exit 143' TERM
    for _ in $(seq 1 240); do
        port_in_use "$EGOV_WSGI_PORT" && port_in_use "$EGOV_HTTP_PORT" && break
        kill -0 "$wsgi_pid" 2>/dev/null || die "gunicorn exited; see $NETBOX_ROOT/web.log"
        kill -0 "$nginx_pid" 2>/dev/null || die "nginx exited; see $NETBOX_ROOT/nginx/error.log"
        sleep 0.5
    done
    local password=$EGOV_ADMIN_PASSWORD parts="NetBox, the worker, nginx"
    if [ "$monitoring" = --monitoring ]; then
        start_monitoring
        parts="$parts, the simulated devices, collectors, exporter, Prometheus"
    fi
    # Only the demo default is printed; a chosen password stays off the screen and logs.
    [ "$password" = admin ] || password="(the value of EGOV_ADMIN_PASSWORD)"
    cat <<MSG

  egov-netops is up:  http://127.0.0.1:$EGOV_HTTP_PORT/  (nginx; gunicorn on 127.0.0.1:$EGOV_WSGI_PORT)
  login:              $EGOV_ADMIN_USER / $password
  logs:               $NETBOX_ROOT/web.log, $NETBOX_ROOT/rqworker.log, $NETBOX_ROOT/nginx/
MSG
    if [ "$monitoring" = --monitoring ]; then monitoring_banner; fi
    cat <<MSG
  Ctrl-C stops $parts, PostgreSQL and Redis; the data stays in
  $EGOV_STATE_DIR ('make clean' removes it).

MSG
    local watched=("$nginx_pid" "$wsgi_pid" "$worker_pid" "${MONITORING_PIDS[@]}")
    if [ -n "${DEVICES_PID:-}" ]; then watched+=("$DEVICES_PID"); fi
    wait -n "${watched[@]}" || true
    if [ "$monitoring" = --monitoring ]; then report_stopped; fi
}

# The EXIT trap of serve: NetBox's servers and the monitoring (if started), by pid. Nothing here may stop the
# trap halfway (errexit still holds): every step tolerates a process already gone.
MONITORING_PIDS=()
stop_servers() {
    if declare -F stop_monitoring >/dev/null; then stop_monitoring; fi
    stop_children "$nginx_pid" "$wsgi_pid" "$worker_pid"
}

case ${1:-} in
    configure) configure ;;
    migrate) migrate ;;
    admin) admin ;;
    demo-data) demo_data ;;
    serve) serve "${2:-}" ;;
    *) die "usage: $0 configure|migrate|admin|demo-data|serve [--monitoring]" ;;
esac
