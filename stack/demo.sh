#!/usr/bin/env bash
# make demo: everything from a fresh clone to a running NetBox with the Klaten
# demo data, until Ctrl-C; then stops what it started. A re-run reuses the data.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

"$EGOV_ROOT/stack/bootstrap.sh"
# Fail on a busy web port now, not after minutes of migrations.
require_free_port "$EGOV_HTTP_PORT" EGOV_HTTP_PORT "nginx (the NetBox web address)"
require_free_port "$EGOV_WSGI_PORT" EGOV_WSGI_PORT "gunicorn (NetBox behind nginx)"
start_services_stop_on_exit
"$EGOV_ROOT/stack/netbox.sh" configure
"$EGOV_ROOT/stack/netbox.sh" migrate
"$EGOV_ROOT/stack/netbox.sh" admin
"$EGOV_ROOT/stack/netbox.sh" demo-data
"$EGOV_ROOT/stack/netbox.sh" serve
