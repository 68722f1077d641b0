#!/usr/bin/env bash
# make test: lint, then every test against the project's own PostgreSQL and
# Redis. The test database is kept between runs (--reuse-db), so only the
# first run pays for NetBox's migrations. Extra arguments go to pytest.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

"$EGOV_ROOT/stack/bootstrap.sh"
start_services_stop_on_exit
"$EGOV_ROOT/stack/netbox.sh" configure

log "lint (ruff)"
"$EGOV_VENV/bin/ruff" check "$EGOV_ROOT"

log "tests (pytest; the first run creates the test database: a few minutes)"
cd "$EGOV_ROOT"
# The whole suite names its 30 slowest tests, so CI's log shows where its time goes.
durations=()
[ $# -eq 0 ] && durations=(--durations=30)
EGOV_TESTING=1 PATH="$EGOV_VENV/bin:$PATH" "$EGOV_VENV/bin/pytest" "${durations[@]}" "$@"

# The whole suite also installs the built wheel into a fresh NetBox (tests/wheel), once the tests above have
# left the migrated test database it starts from.
if [ $# -eq 0 ]; then
    log "the plugin as operators install it: the wheel in a fresh venv and database (tests/wheel)"
    PATH="$EGOV_VENV/bin:$PATH" "$EGOV_VENV/bin/pytest" tests/wheel
fi
