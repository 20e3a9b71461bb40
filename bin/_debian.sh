# Sourced by bin/run and bin/test: make sure the Debian packages the project needs from the
# system are there. Installed only if missing and only when run as root (with apt-get);
# otherwise a warning names them, and the command goes on.

# ensure_debian_packages WHY PACKAGE...: e.g. ensure_debian_packages "for the tests" pkg1 pkg2
ensure_debian_packages() {
    local why="$1" pkg missing=()
    shift
    if ! command -v dpkg-query >/dev/null 2>&1; then
        echo "note: not a Debian-like system; $why install the equivalents of: $*" >&2
        return 0
    fi
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    ((${#missing[@]})) || return 0
    if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
        echo "Installing Debian packages $why: ${missing[*]}" >&2
        if ! { apt-get update -qq &&
                DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; }; then
            # Not fatal: bin/run still runs (only PDFs lack their fonts), tests say what fails.
            echo "warning: could not install ${missing[*]}; going on without them" >&2
        fi
    else
        echo "warning: missing Debian packages $why (install them as root: apt-get install ${missing[*]})" >&2
    fi
}

# What the letters need: WeasyPrint renders PDFs with Pango (through fontconfig), in the fonts
# letters/*.css names ("Liberation Sans"). Installed from the distribution rather than shipped
# in the repository: the same files every Debian machine and the Dockerfile get, with the
# distribution's updates, and no font binaries or licence texts to keep in the project.
# Without them the letters fall back to another font (DejaVu here), which is wider: the
# letterhead wraps and the PDF tests fail. Machines without apt (macOS, Windows) have Arial
# and Helvetica, which the stylesheet names next and which Liberation Sans is metrically
# compatible with, so letters lay out the same there too.
LETTER_PACKAGES=(
    libpango-1.0-0 libpangoft2-1.0-0  # WeasyPrint's text layout (absent from slim images)
    fontconfig                        # how Pango finds fonts
    fonts-liberation                  # "Liberation Sans"/"Liberation Serif", as letters/*.css names
)
