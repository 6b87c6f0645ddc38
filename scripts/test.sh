#!/usr/bin/env bash
# Run the test suite against real PostgreSQL, Redis and Elasticsearch
# (started on loopback by scripts/services.sh).
#
# usage: scripts/test.sh [pytest args]   (PORTAL_TEST_WORKERS: processes of the first phase, default 2)
# With CI set, the services are stopped again at the end.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
VENV="$REPO/.venv"

log() { printf '[test] %s\n' "$*" >&2; }

make_venv() {
    if [[ -x "$VENV/bin/python" ]]; then return 0; fi
    log "creating $VENV"
    if ! python3 -m venv "$VENV" 2>/dev/null; then
        # Debian ships ensurepip separately.
        rm -rf "$VENV"
        log "python3 -m venv failed; installing python3-venv"
        sudo=(); [[ $EUID -eq 0 ]] || sudo=(sudo)
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv >/dev/null
        python3 -m venv "$VENV"
    fi
}

install_deps() {
    local stamp="$VENV/.portal-dev-deps" want
    want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
    if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then return 0; fi
    log "installing project + dev extra into $VENV"
    "$VENV/bin/python" -m pip install -q --upgrade pip
    "$VENV/bin/python" -m pip install -q -e '.[dev]'
    echo "$want" >"$stamp"
}

make_venv
install_deps

bash "$REPO/scripts/services.sh" start
if [[ -n "${CI:-}" ]]; then
    trap 'bash "$REPO/scripts/services.sh" stop || true' EXIT
fi
eval "$(bash "$REPO/scripts/services.sh" env)"

export DJANGO_SETTINGS_MODULE=portal.settings.test
export SEARCH_BACKEND_TESTS=all
# This run owns the services it started, so tests may stop and restart them
# (the Elasticsearch outage test does).
export PORTAL_TESTS_OWN_SERVICES=1

# The layers (pyproject.toml [tool.importlinter]): a wrong-way import fails the run before any test.
log "checking the import layers"
"$VENV/bin/lint-imports" --no-cache

# Two phases: the suite on PORTAL_TEST_WORKERS processes (pytest-xdist; each keeps to a Redis database, an index
# prefix, Celery queues and a test database of its own, portal/settings/test.py), a whole file at a time, then
# the tests marked serial, which stop a shared service under everyone else, alone.
set +e
log "phase 1: the suite on ${PORTAL_TEST_WORKERS:-2} processes"
"$VENV/bin/python" -m pytest -n "${PORTAL_TEST_WORKERS:-2}" --dist loadfile -m "not serial" "$@"
parallel=$?
log "phase 2: the serial tests, alone"
"$VENV/bin/python" -m pytest -m serial "$@"
serial=$?
set -e
log "phase 1 exited $parallel, phase 2 exited $serial"
# 5 is pytest's "no tests collected": fine for one phase (an argument naming only serial tests, or none), not both.
if [[ $parallel -eq 5 && $serial -eq 5 ]]; then
    log "pytest collected no tests: treating as failure"
    exit 1
fi
for rc in "$parallel" "$serial"; do
    if [[ $rc -ne 0 && $rc -ne 5 ]]; then exit "$rc"; fi
done
exit 0
