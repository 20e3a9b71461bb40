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
    local spec="$1" python stamp want
    if ! "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
        python="$(find_python)"
        echo "Creating $VENV with $python" >&2
        rm -rf "$VENV"
        "$python" -m venv "$VENV"
        "$VENV/bin/python" -m pip install --quiet --upgrade pip
    fi
    stamp="$VENV/.installed-$(echo "$spec" | tr -c 'a-z0-9' '_')"
    want="$(cat "$ROOT/pyproject.toml" | sha256sum | cut -d' ' -f1)"
    if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
        echo "Installing ombudsflow ($spec) into $VENV ..." >&2
        (cd "$ROOT" && "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e "$spec")
        echo "$want" >"$stamp"
    fi
}
