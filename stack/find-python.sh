#!/usr/bin/env bash
# Print the path of a Python >= 3.12 interpreter (NetBox 4.7 needs it), or fail
# with one line saying what to install. Order: $EGOV_PYTHON, python3.12 and
# python3.13 on PATH (only if they really run: a pyenv shim may not), then
# pyenv's own builds, 3.12 first (the version CI uses).
set -u

runs_312() {
    "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1
}

real_executable() {
    "$1" -c 'import sys; print(sys.executable)'
}

if [ -n "${EGOV_PYTHON:-}" ]; then
    if runs_312 "$EGOV_PYTHON"; then
        real_executable "$EGOV_PYTHON"
        exit 0
    fi
    echo "egov-netops: EGOV_PYTHON=$EGOV_PYTHON is not a working Python >= 3.12; unset it or point it at python3.12" >&2
    exit 1
fi

for candidate in python3.12 python3.13; do
    if command -v "$candidate" >/dev/null 2>&1 && runs_312 "$candidate"; then
        real_executable "$candidate"
        exit 0
    fi
done

# pyenv's shims run only when a version is selected, so look at its builds directly.
pyenv_root=${PYENV_ROOT:-}
if [ -z "$pyenv_root" ] && command -v pyenv >/dev/null 2>&1; then
    pyenv_root=$(pyenv root 2>/dev/null)
fi
if [ -n "$pyenv_root" ]; then
    for python in "$pyenv_root"/versions/3.12*/bin/python "$pyenv_root"/versions/3.1[3-9]*/bin/python; do
        if [ -x "$python" ] && runs_312 "$python"; then
            echo "$python"
            exit 0
        fi
    done
fi

echo "egov-netops: no Python >= 3.12 found (NetBox 4.7 needs it); install one (apt-get install python3.12-venv, or pyenv install 3.12) or set EGOV_PYTHON=/path/to/python3.12" >&2
exit 1
