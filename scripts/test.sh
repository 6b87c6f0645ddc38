#!/usr/bin/env bash
# Run the test suite against real PostgreSQL, Redis and Elasticsearch
# (started on loopback by scripts/services.sh).
#
# usage: scripts/test.sh [pytest args]
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

set +e
"$VENV/bin/python" -m pytest "$@"
rc=$?
set -e
if [[ $rc -eq 5 ]]; then
    log "pytest collected no tests: treating as failure"
    rc=1
fi
exit $rc
