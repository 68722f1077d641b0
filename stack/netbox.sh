#!/usr/bin/env bash
# NetBox for the stack: configuration (generated once), migrations, admin
# user, demo data, and the web server and RQ worker in the foreground.
# Usage: netbox.sh configure|migrate|admin|demo-data|serve
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
  "plugin_settings": {"allow_documentation_space": true}
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
    EGOV_ADMIN_PASSWORD=$EGOV_ADMIN_PASSWORD netbox_cmd egov_ensure_admin --username "$EGOV_ADMIN_USER" \
        --password-env EGOV_ADMIN_PASSWORD
}

demo_data() {
    log "loading the Klaten demo data"
    netbox_cmd egov_load_demo
}

# Web server and RQ worker until Ctrl-C; both stopped by pid on the way out.
serve() {
    require_free_port "$EGOV_HTTP_PORT" EGOV_HTTP_PORT "the NetBox web server"
    # Started as plain commands (not through a shell function) so that $! is the
    # server's own pid; kept in globals, as the EXIT trap runs after serve() returns.
    PATH="$EGOV_VENV/bin:$PATH" "$EGOV_VENV/bin/netbox" rqworker >"$NETBOX_ROOT/rqworker.log" 2>&1 &
    worker_pid=$!
    PATH="$EGOV_VENV/bin:$PATH" "$EGOV_VENV/bin/netbox" runserver --insecure --noreload \
        "127.0.0.1:$EGOV_HTTP_PORT" >"$NETBOX_ROOT/web.log" 2>&1 &
    web_pid=$!
    trap 'kill $web_pid $worker_pid 2>/dev/null; wait $web_pid $worker_pid 2>/dev/null' EXIT
    for _ in $(seq 1 120); do
        port_in_use "$EGOV_HTTP_PORT" && break
        kill -0 "$web_pid" 2>/dev/null || die "the web server exited; see $NETBOX_ROOT/web.log"
        sleep 0.5
    done
    local password=$EGOV_ADMIN_PASSWORD
    # Only the demo default is printed; a chosen password stays off the screen and logs.
    [ "$password" = admin ] || password="(the value of EGOV_ADMIN_PASSWORD)"
    cat <<MSG

  egov-netops is up:  http://127.0.0.1:$EGOV_HTTP_PORT/
  login:              $EGOV_ADMIN_USER / $password
  logs:               $NETBOX_ROOT/web.log, $NETBOX_ROOT/rqworker.log
  Ctrl-C stops NetBox, the worker, PostgreSQL and Redis; the data stays in
  $EGOV_STATE_DIR ('make clean' removes it).

MSG
    wait -n "$web_pid" "$worker_pid" || true
}

case ${1:-} in
    configure) configure ;;
    migrate) migrate ;;
    admin) admin ;;
    demo-data) demo_data ;;
    serve) serve ;;
    *) die "usage: $0 configure|migrate|admin|demo-data|serve" ;;
esac
