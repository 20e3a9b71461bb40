# Sourced by bin/run and bin/test: make .venv (Python 3.11) and install the project into it,
# re-installing only when pyproject.toml (or the requested extras) changed.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"

find_python() {
    local candidate
    for candidate in python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    echo "Python 3.11 is required (tried python3.11 and python3)." >&2
    return 1
}

# ensure_venv SPEC: e.g. ensure_venv "." or ensure_venv ".[test]"
ensure_venv() {
    local spec="$1" python stamp want key log
    if ! "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
        python="$(find_python)"
        echo "Creating $VENV with $python" >&2
        rm -rf "$VENV"
        "$python" -m venv "$VENV"
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip \
            2>/dev/null || true  # a newer pip is nice to have, not needed
    fi
    key="${spec//[^a-z]/}"
    stamp="$VENV/.installed-${key:-base}"
    log="$VENV/.install.log"
    want="$(sha256sum "$ROOT/pyproject.toml" | cut -d' ' -f1)"
    if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
        echo "Installing ombudsflow ($spec) into $VENV (log: $log) ..." >&2
        if ! (cd "$ROOT" && "$VENV/bin/python" -m pip install --disable-pip-version-check \
                -e "$spec") >"$log" 2>&1; then
            tail -n 30 "$log" >&2
            echo "pip install failed; full log in $log" >&2
            return 1
        fi
        echo "$want" >"$stamp"
    fi
}
