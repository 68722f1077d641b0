#!/usr/bin/env bash
# Remove the state folder, and the PostgreSQL cluster kept outside it when
# the checkout was not reachable by the postgres user.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

if [ -L "$EGOV_STATE_DIR/postgres" ]; then
    rm -rf "$(dirname "$(readlink -f "$EGOV_STATE_DIR/postgres")")"
fi
rm -rf "$EGOV_STATE_DIR"
log "removed $EGOV_STATE_DIR"
