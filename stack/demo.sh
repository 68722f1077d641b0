#!/usr/bin/env bash
# make demo: everything from a fresh clone to a running NetBox with the Klaten
# demo data and its monitoring (simulated devices, collectors, exporter,
# Prometheus), until Ctrl-C or TERM; then stops what it started. A re-run
# reuses the data.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

"$EGOV_ROOT/stack/bootstrap.sh"
# Fail on a busy port now, not after minutes of migrations.
require_free_port "$EGOV_HTTP_PORT" EGOV_HTTP_PORT "nginx (the NetBox web address)"
require_free_port "$EGOV_WSGI_PORT" EGOV_WSGI_PORT "gunicorn (NetBox behind nginx)"
require_free_port "$EGOV_EXPORTER_PORT" EGOV_EXPORTER_PORT "egov-exporter (the demo's /metrics)"
require_free_port "$EGOV_PROMETHEUS_PORT" EGOV_PROMETHEUS_PORT "Prometheus (the demo's)"
start_services_stop_on_exit
"$EGOV_ROOT/stack/netbox.sh" configure
"$EGOV_ROOT/stack/netbox.sh" migrate
"$EGOV_ROOT/stack/netbox.sh" admin
"$EGOV_ROOT/stack/netbox.sh" demo-data
# Served in the background and waited for, so that a TERM reaches it as Ctrl-C does: this shell passes either on
# as a TERM, waits until everything it started has stopped, then stops PostgreSQL and Redis (the EXIT trap).
"$EGOV_ROOT/stack/netbox.sh" serve --monitoring &
serve_pid=$!
asked_to_stop=0
trap 'asked_to_stop=1; kill -TERM "$serve_pid" 2>/dev/null || true' INT TERM
status=0
wait "$serve_pid" || status=$?
# A signal ends the first wait at once; this one lasts until serve has stopped everything.
wait "$serve_pid" 2>/dev/null || true
[ "$asked_to_stop" -eq 1 ] && status=0
exit "$status"
