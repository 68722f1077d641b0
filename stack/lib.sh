# Shared settings and helpers for the stack scripts; sourced, never run.
# Every setting is an environment variable with a default, so a second stack
# (or a busy port) only needs a different value, never an edited file.

EGOV_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
EGOV_STATE_DIR=${EGOV_STATE_DIR:-$EGOV_ROOT/.state}
EGOV_VENV=${EGOV_VENV:-$EGOV_ROOT/.venv}
EGOV_PG_PORT=${EGOV_PG_PORT:-55432}
EGOV_REDIS_PORT=${EGOV_REDIS_PORT:-56379}
EGOV_HTTP_PORT=${EGOV_HTTP_PORT:-8000}
EGOV_WSGI_PORT=${EGOV_WSGI_PORT:-58001}
EGOV_EXPORTER_PORT=${EGOV_EXPORTER_PORT:-9877}
EGOV_PROMETHEUS_PORT=${EGOV_PROMETHEUS_PORT:-9090}
EGOV_ADMIN_USER=${EGOV_ADMIN_USER:-admin}
EGOV_ADMIN_PASSWORD=${EGOV_ADMIN_PASSWORD:-admin}
NETBOX_ROOT=$EGOV_STATE_DIR/netbox
EGOV_SECRETS_DIR=$EGOV_STATE_DIR/secrets
export EGOV_ROOT EGOV_STATE_DIR EGOV_VENV EGOV_PG_PORT EGOV_REDIS_PORT EGOV_HTTP_PORT EGOV_WSGI_PORT NETBOX_ROOT \
    EGOV_EXPORTER_PORT EGOV_PROMETHEUS_PORT

die() {
    echo "egov-netops: $*" >&2
    exit 1
}

log() {
    echo "==> $*"
}

# True when something accepts TCP connections on 127.0.0.1:$1.
port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Refuse to start a service on a busy port, naming the port and the variable
# that moves it: the most common failure on a shared machine.
require_free_port() {
    local port=$1 variable=$2 service=$3
    if port_in_use "$port"; then
        die "port $port for $service is already in use; set $variable to a free port (e.g. $variable=$((port + 1)) make ...)"
    fi
}

# True when $1 is the pid of a live process whose command line contains $2:
# a pidfile left by a crash may name a pid that now belongs to someone else.
pid_alive_as() {
    local pid=$1 expected=$2
    [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$expected"
}

# Stop the process recorded in a pidfile (never by name), waiting up to 20 s.
stop_pidfile() {
    local pidfile=$1 expected=$2 pid
    [ -f "$pidfile" ] || return 0
    pid=$(head -n 1 "$pidfile")
    if pid_alive_as "$pid" "$expected"; then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 100); do
            pid_alive_as "$pid" "$expected" || break
            sleep 0.2
        done
        pid_alive_as "$pid" "$expected" && kill -9 "$pid" 2>/dev/null
    fi
    rm -f "$pidfile"
}

# How the demo simulates its devices: "namespaces" (root, allowed to make network namespaces: snmpd and real
# traffic), else "snmpsim" (agents on the loopback). The demo data loader and the monitoring start both ask.
demo_agents() {
    if [ "$(id -u)" -eq 0 ] && command -v ip >/dev/null && unshare --net true 2>/dev/null; then
        echo namespaces
    else
        echo snmpsim
    fi
}

# Stop these child processes of the calling shell by pid: TERM, up to $STOP_SECONDS (default 20) to finish, then
# KILL. A bounded wait: an RQ worker idle in a blocking Redis read may notice its TERM only when the read ends
# (minutes later) if the signal lands on another of its threads.
stop_children() {
    [ $# -eq 0 ] && return 0
    local pid alive
    kill "$@" 2>/dev/null || true
    for _ in $(seq 1 $((${STOP_SECONDS:-20} * 5))); do
        alive=0
        for pid in "$@"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        [ "$alive" -eq 0 ] && break
        sleep 0.2
    done
    kill -9 "$@" 2>/dev/null || true
    wait "$@" 2>/dev/null || true
}

venv_python() {
    echo "$EGOV_VENV/bin/python"
}

netbox_cmd() {
    PATH="$EGOV_VENV/bin:$PATH" "$EGOV_VENV/bin/netbox" "$@"
}

# A generated secret ($2 characters, default 40), made once and kept (mode
# 600) in the state folder: a new SECRET_KEY would log everyone out, a new
# pepper would invalidate every API token, a new password would lock us out.
secret() {
    local file=$EGOV_SECRETS_DIR/$1 length=${2:-40}
    if [ ! -s "$file" ]; then
        mkdir -p "$EGOV_SECRETS_DIR"
        chmod 700 "$EGOV_SECRETS_DIR"
        (umask 077 && head -c $((length * 2)) /dev/urandom | base64 -w 0 | tr -d '/+=' | head -c "$length" >"$file")
    fi
    cat "$file"
}

# Start PostgreSQL and Redis where they are not running, and on exit stop
# only those this script started (a developer's running stack stays up).
EGOV_STARTED_SERVICES=()
stop_started_services() {
    [ ${#EGOV_STARTED_SERVICES[@]} -eq 0 ] && return 0
    "$EGOV_ROOT/stack/services.sh" stop "${EGOV_STARTED_SERVICES[@]}"
}

start_services_stop_on_exit() {
    local service
    for service in postgres redis; do
        "$EGOV_ROOT/stack/services.sh" running "$service" || EGOV_STARTED_SERVICES+=("$service")
    done
    trap stop_started_services EXIT
    "$EGOV_ROOT/stack/services.sh" start
}
