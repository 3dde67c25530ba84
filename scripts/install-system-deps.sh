#!/usr/bin/env bash
# Install the Debian packages Khối needs, only those that are missing (re-runs are instant).
#
#   scripts/install-system-deps.sh             WeasyPrint libraries, Vietnamese-capable fonts,
#                                              poppler-utils (pdftotext/pdftoppm in tests),
#                                              gettext (msgfmt for compilemessages)
#   scripts/install-system-deps.sh --browser   the same plus Debian's chromium (browser tests)
#   scripts/install-system-deps.sh --check     only report; exit 1 if anything is missing
#
# Not fonts-liberation: its Liberation 1.07 lacks ơ, ư, ạ, ấ and ~70 other Vietnamese letters
# (see ../shared/research/dependencies.md); fonts-liberation2 has them. python3-venv is added
# when the system Python cannot create a virtualenv (Debian ships it separately).
# As root it runs apt-get (noninteractive, --no-install-recommends, `apt-get update` only when
# something is missing). As another user it prints the exact sudo command and exits 1 if a
# required package is missing (a missing chromium alone only warns: browser tests skip).
# On a system without dpkg/apt it explains what to install by hand.
set -euo pipefail

REQUIRED=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation2 poppler-utils gettext)
BROWSER=(chromium)

want_browser=0
check_only=0
for arg in "$@"; do
  case "$arg" in
    --browser) want_browser=1 ;;
    --check) check_only=1 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "install-system-deps: unknown option: $arg (use --browser, --check)" >&2; exit 2 ;;
  esac
done

# A Debian python3 without ensurepip cannot create the project's virtualenv: add python3-venv.
# (PYTHON: the interpreter `make venv` uses; by default python3.11, else python3.)
py="${PYTHON:-$(command -v python3.11 || command -v python3 || true)}"
if [ -n "$py" ] && ! "$py" -c 'import ensurepip, venv' >/dev/null 2>&1; then
  case "$(readlink -f "$(command -v "$py")")" in
    /usr/bin/*) REQUIRED+=(python3-venv) ;;
  esac
fi

packages=("${REQUIRED[@]}")
if [ "$want_browser" = 1 ]; then packages+=("${BROWSER[@]}"); fi

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  cat >&2 <<EOF
install-system-deps: this is not a Debian/Ubuntu system (no dpkg-query/apt-get).
Install the equivalents of these Debian packages with your system's package manager:
  ${packages[*]}
i.e. Pango >= 1.44 with HarfBuzz (for WeasyPrint), a Times-New-Roman-compatible font with
Vietnamese letters (Liberation Serif 2.x, Tinos or Noto Serif), poppler's pdftotext/pdftoppm,
GNU gettext (msgfmt)$([ "$want_browser" = 1 ] && echo ", and Chromium at /usr/bin/chromium").
EOF
  exit 1
fi

is_installed() {
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" = "installed" ]
}

missing=()
for p in "${packages[@]}"; do
  is_installed "$p" || missing+=("$p")
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-system-deps: all present (${packages[*]})"
  exit 0
fi

echo "install-system-deps: missing: ${missing[*]}"
if [ "$check_only" = 1 ]; then
  exit 1
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-system-deps: not root; install them with:" >&2
  echo "  sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}" >&2
  for p in "${missing[@]}"; do
    for r in "${REQUIRED[@]}"; do
      if [ "$p" = "$r" ]; then exit 1; fi
    done
  done
  # Only the browser is missing: not fatal, the browser tests skip themselves without it.
  echo "install-system-deps: only optional packages are missing; browser tests will be skipped" >&2
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"

still=()
for p in "${missing[@]}"; do
  is_installed "$p" || still+=("$p")
done
if [ "${#still[@]}" -ne 0 ]; then
  echo "install-system-deps: still missing after apt-get: ${still[*]}" >&2
  exit 1
fi
echo "install-system-deps: installed ${missing[*]}"
