#!/usr/bin/env bash
# Project-local PostgreSQL and Redis: data under $EGOV_STATE_DIR, loopback
# only, non-default ports, started and stopped by pid (never by name).
# Usage: services.sh start|stop|status [postgres|redis]...
set -euo pipefail
source "$(dirname "$0")/lib.sh"

PG_DIR=$EGOV_STATE_DIR/postgres

# Where the cluster really is: the postgres user cannot follow a link that
# passes through a private folder.
use_real_pg_dir() {
    [ -L "$PG_DIR" ] && PG_DIR=$(readlink -f "$PG_DIR")
    PG_DATA=$PG_DIR/data
}
use_real_pg_dir
REDIS_DIR=$EGOV_STATE_DIR/redis

pg_bin() {
    local bindir
    bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$bindir" ] || die "PostgreSQL server binaries not found; run: apt-get install postgresql"
    echo "$bindir/$1"
}

# PostgreSQL refuses to run as root: as root it runs as the postgres user.
as_pg_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# The postgres user must reach the data folder; when the checkout sits under a
# private home (e.g. /root), the cluster lives under /var/tmp instead and the
# state folder links to it.
prepare_pg_dir() {
    mkdir -p "$EGOV_STATE_DIR"
    [ -e "$PG_DIR" ] && return 0
    if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$EGOV_STATE_DIR"; then
        local elsewhere
        elsewhere=/var/tmp/egov-netops-$(echo -n "$EGOV_STATE_DIR" | sha256sum | head -c 12)/postgres
        mkdir -p "$elsewhere"
        chmod 755 "$(dirname "$elsewhere")"
        ln -s "$elsewhere" "$PG_DIR"
    else
        mkdir -p "$PG_DIR"
    fi
    [ "$(id -u)" -eq 0 ] && chown postgres: "$(readlink -f "$PG_DIR")"
    use_real_pg_dir
}

pg_pid() {
    [ -f "$PG_DATA/postmaster.pid" ] && as_pg_owner head -n 1 "$PG_DATA/postmaster.pid" 2>/dev/null || true
}

pg_running() {
    pid_alive_as "$(pg_pid)" postgres
}

# The port a running cluster listens on (line 4 of postmaster.pid).
pg_running_port() {
    as_pg_owner sed -n 4p "$PG_DATA/postmaster.pid"
}

pg_init() {
    [ -f "$PG_DATA/PG_VERSION" ] && return 0
    log "initialising PostgreSQL in $PG_DATA"
    local pwfile
    pwfile=$(mktemp)
    secret postgres_password >"$pwfile"
    chmod 644 "$pwfile"
    as_pg_owner "$(pg_bin initdb)" -D "$PG_DATA" -U postgres --auth=scram-sha-256 \
        --pwfile="$pwfile" -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 \
        || { rm -f "$pwfile"; die "initdb failed; see $PG_DIR/initdb.log"; }
    rm -f "$pwfile"
}

psql_admin() {
    PGPASSWORD=$(secret postgres_password) psql -X -q -v ON_ERROR_STOP=1 \
        -h 127.0.0.1 -p "$EGOV_PG_PORT" -U postgres -d postgres "$@"
}

# The netbox role needs CREATEDB: the test runner creates its own database.
pg_create_netbox_db() {
    local password
    password=$(secret netbox_db_password)
    if [ "$(psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'netbox'")" != 1 ]; then
        psql_admin -c "CREATE ROLE netbox LOGIN CREATEDB PASSWORD '$password'"
    fi
    if [ "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = 'netbox'")" != 1 ]; then
        psql_admin -c "CREATE DATABASE netbox OWNER netbox"
    fi
}

start_postgres() {
    prepare_pg_dir
    if pg_running; then
        local port
        port=$(pg_running_port)
        [ "$port" = "$EGOV_PG_PORT" ] || die "PostgreSQL of this project already runs on port $port (pid $(pg_pid)); run 'make down' before changing EGOV_PG_PORT"
        return 0
    fi
    require_free_port "$EGOV_PG_PORT" EGOV_PG_PORT PostgreSQL
    pg_init
    log "starting PostgreSQL on 127.0.0.1:$EGOV_PG_PORT"
    as_pg_owner "$(pg_bin pg_ctl)" -D "$PG_DATA" -l "$PG_DIR/postgresql.log" -w -t 60 \
        -o "-p $EGOV_PG_PORT -c listen_addresses=127.0.0.1 -k $PG_DATA" start >/dev/null \
        || die "PostgreSQL did not start; see $PG_DIR/postgresql.log"
    pg_create_netbox_db
}

stop_postgres() {
    pg_running || return 0
    log "stopping PostgreSQL (pid $(pg_pid))"
    # pg_ctl signals the pid recorded in postmaster.pid.
    as_pg_owner "$(pg_bin pg_ctl)" -D "$PG_DATA" -m fast -w stop >/dev/null
}

redis_pidfile() {
    echo "$REDIS_DIR/redis.pid"
}

redis_running() {
    [ -f "$(redis_pidfile)" ] && pid_alive_as "$(cat "$(redis_pidfile)")" redis-server
}

write_redis_conf() {
    mkdir -p "$REDIS_DIR"
    (umask 077 && cat >"$REDIS_DIR/redis.conf" <<CONF
bind 127.0.0.1
port $EGOV_REDIS_PORT
daemonize yes
pidfile $(redis_pidfile)
logfile $REDIS_DIR/redis.log
dir $REDIS_DIR
requirepass $(secret redis_password)
save 300 1
CONF
    )
}

start_redis() {
    command -v redis-server >/dev/null || die "redis-server not found; run: apt-get install redis-server"
    if redis_running; then
        local port
        port=$(sed -n 's/^port //p' "$REDIS_DIR/redis.conf")
        [ "$port" = "$EGOV_REDIS_PORT" ] || die "Redis of this project already runs on port $port (pid $(cat "$(redis_pidfile)")); run 'make down' before changing EGOV_REDIS_PORT"
        return 0
    fi
    require_free_port "$EGOV_REDIS_PORT" EGOV_REDIS_PORT Redis
    write_redis_conf
    log "starting Redis on 127.0.0.1:$EGOV_REDIS_PORT"
    redis-server "$REDIS_DIR/redis.conf"
    for _ in $(seq 1 50); do
        port_in_use "$EGOV_REDIS_PORT" && return 0
        sleep 0.1
    done
    die "Redis did not start; see $REDIS_DIR/redis.log"
}

stop_redis() {
    redis_running || return 0
    log "stopping Redis (pid $(cat "$(redis_pidfile)"))"
    stop_pidfile "$(redis_pidfile)" redis-server
}

status() {
    if pg_running; then
        echo "postgres: running, pid $(pg_pid), 127.0.0.1:$(pg_running_port), data $PG_DATA"
    else
        echo "postgres: stopped"
    fi
    if redis_running; then
        echo "redis: running, pid $(cat "$(redis_pidfile)"), 127.0.0.1:$(sed -n 's/^port //p' "$REDIS_DIR/redis.conf")"
    else
        echo "redis: stopped"
    fi
}

main() {
    local action=${1:-status}
    shift || true
    local services=("$@")
    [ ${#services[@]} -eq 0 ] && services=(postgres redis)
    case $action in
        start | stop)
            for service in "${services[@]}"; do
                case $service in
                    postgres | redis) "${action}_${service}" ;;
                    *) die "unknown service '$service' (postgres or redis)" ;;
                esac
            done
            ;;
        status) status ;;
        running)
            # Exit 0 when the named service runs: lets callers stop only what they started.
            case ${services[0]} in
                postgres) pg_running ;;
                redis) redis_running ;;
                *) die "unknown service '${services[0]}' (postgres or redis)" ;;
            esac
            ;;
        *) die "usage: $0 start|stop|status|running [postgres|redis]" ;;
    esac
}

main "$@"
