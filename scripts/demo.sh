#!/usr/bin/env bash
# Local demo: embedded SQLite and default settings, no external services.
# usage: PORT=8000 scripts/demo.sh
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
VENV="$REPO/.venv"

if [[ ! -x "$VENV/bin/python" ]]; then
    echo "[demo] creating $VENV" >&2
    python3 -m venv "$VENV" || {
        echo "[demo] 'python3 -m venv' failed; on Debian/Ubuntu: apt-get install python3-venv" >&2
        exit 1
    }
fi
stamp="$VENV/.portal-deps"
want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
    echo "[demo] installing the project into $VENV" >&2
    "$VENV/bin/python" -m pip install -q --upgrade pip
    "$VENV/bin/python" -m pip install -q -e .
    echo "$want" >"$stamp"
fi

PY="$VENV/bin/python"
# (compilemessages is skipped: it needs gettext; the .mo files are committed.)
"$PY" manage.py migrate --noinput
"$PY" manage.py load_demo
exec "$PY" manage.py runserver "127.0.0.1:${PORT:-8000}"
