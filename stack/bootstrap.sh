#!/usr/bin/env bash
# Install what the stack needs: Debian packages (as root; otherwise print the
# exact apt line), a Python >= 3.12 venv, pinned NetBox and this project
# editable with its extras. Skips each step that is already done, so a re-run
# takes a second.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

# Servers the stack runs, and what pip needs to build psycopg's C module and
# lxml; gettext for `make messages` (the Indonesian catalogue); the tests load compiled
# site filters into a real unbound (started by the tests, never as a service); nginx serves the demo's static
# files in front of gunicorn. The collectors' tests poll a real snmpd (snmp: net-snmp's tools as the benchmark's
# reference, prometheus-snmp-exporter the other one) in network namespaces with iperf3 traffic, and read nftables
# counters over a real sshd; bzip2 unpacks snmpsim-data's recordings. prometheus (and its promtool) checks the
# exporter's metrics, the alert rules and the dashboards' queries, and runs in the demo. chromium is the browser
# Playwright drives in the UI tests (Playwright's own browser download needs a network this machine lacks).
APT_PACKAGES=(postgresql redis-server nginx gettext gcc libpq-dev libxml2-dev libxslt1-dev libffi-dev libssl-dev
              unbound snmpd snmp iperf3 nftables openssh-server prometheus-snmp-exporter prometheus bzip2
              chromium)

missing_apt_packages() {
    local package
    for package in "${APT_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || echo "$package"
    done
}

install_apt_packages() {
    local missing
    missing=$(missing_apt_packages | tr '\n' ' ')
    [ -z "${missing// /}" ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        die "missing Debian packages; run: sudo apt-get install -y $missing"
    fi
    log "installing Debian packages: $missing"
    # Packages must not start their services (unbound would take port 53): the project starts its own.
    # A subshell, so the temporary policy goes away however apt ends.
    (
        if [ ! -e /usr/sbin/policy-rc.d ]; then
            printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d
            trap 'rm -f /usr/sbin/policy-rc.d' EXIT
        fi
        apt-get update -qq
        # shellcheck disable=SC2086
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
    )
}

create_venv() {
    if [ -x "$(venv_python)" ] && "$(venv_python)" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
        return 0
    fi
    local python
    python=$("$EGOV_ROOT/stack/find-python.sh") || exit 1
    log "creating $EGOV_VENV with $python"
    rm -rf "$EGOV_VENV"
    "$python" -m venv "$EGOV_VENV"
    "$(venv_python)" -m pip install -q --upgrade pip setuptools wheel
}

# The install is redone only when pyproject.toml changes (its hash is the stamp).
install_python_packages() {
    local stamp=$EGOV_VENV/.egov-install-stamp wanted
    wanted=$(sha256sum "$EGOV_ROOT/pyproject.toml" | cut -d' ' -f1)
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
        return 0
    fi
    log "installing NetBox and egov-netops into $EGOV_VENV (first time: a few minutes)"
    # pip's log goes to a file: build warnings would bury the output that matters.
    "$(venv_python)" -m pip install -e "$EGOV_ROOT[netbox,collectors,exporters,playbooks,test]" \
        >"$EGOV_VENV/pip-install.log" 2>&1 \
        || { tail -n 30 "$EGOV_VENV/pip-install.log" >&2; die "pip install failed; see $EGOV_VENV/pip-install.log"; }
    echo "$wanted" >"$stamp"
}

install_apt_packages
create_venv
install_python_packages
