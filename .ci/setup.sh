#!/usr/bin/env bash
# Installs what building, running and testing Kizuna need on Debian/Ubuntu,
# skipping whatever is already there. Sourced by src-tauri/start.sh and
# tests/run.sh; pass --for-tests to add the end-to-end tools.
set -euo pipefail

kizuna_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
for_tests=false
[[ "${1:-}" == "--for-tests" ]] && for_tests=true

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }

as_root() {
  if [[ "$(id -u)" == 0 ]]; then "$@"; else sudo "$@"; fi
}

# System libraries for the WebKitGTK window, tray and icons; Japanese fonts.
packages=(libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev librsvg2-dev
  libsoup-3.0-dev libxdo-dev libssl-dev build-essential pkg-config curl fonts-noto-cjk)
if $for_tests; then
  # A virtual display, the WebDriver for WebKitGTK, a session bus, a real
  # notification daemon and a real keyring for the end-to-end tests, and
  # xdotool to answer the native file dialogs.
  # lintian and dpkg-dev check and build the .deb; the updater installs a
  # newer one through sudo, as on a desktop.
  # python3-venv holds Radicale, the CardDAV/CalDAV server of the sync tests;
  # openssl makes the untrusted certificate they are refused with;
  # poppler-utils (pdfinfo, pdftotext) reads back the PDFs printed;
  # x11-apps (xwd) and netpbm save the window as the screen shows it.
  packages+=(xvfb webkit2gtk-driver dbus-x11 dunst libnotify-bin gnome-keyring xdotool
    lintian dpkg-dev sudo python3 python3-venv openssl poppler-utils x11-apps netpbm)
fi
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]} > 0)); then
  say "Installing system packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Rust, through rustup (Debian's own rustc is too old for Tauri 2).
if ! command -v cargo >/dev/null 2>&1; then
  if [[ -x "$HOME/.cargo/bin/cargo" ]]; then
    export PATH="$HOME/.cargo/bin:$PATH"
  else
    say "Installing Rust with rustup"
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal -c clippy,rustfmt
    export PATH="$HOME/.cargo/bin:$PATH"
  fi
fi

# Node.js 20.19+ for the Vite build of the interface.
node_ok() {
  command -v node >/dev/null 2>&1 &&
    node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>20||(a===20&&b>=19)?0:1)'
}
if ! node_ok; then
  say "Installing Node.js 22 from NodeSource"
  curl -fsSL https://deb.nodesource.com/setup_22.x | as_root bash - >/dev/null
  as_root apt-get install -y -qq nodejs >/dev/null
fi

# The interface's packages, exactly as locked.
if [[ ! -d "$kizuna_root/ui/node_modules" || "$kizuna_root/ui/package-lock.json" -nt "$kizuna_root/ui/node_modules/.package-lock.json" ]]; then
  say "Installing the interface's npm packages"
  (cd "$kizuna_root/ui" && npm ci --no-audit --no-fund --loglevel=error)
fi

if $for_tests && ! command -v tauri-driver >/dev/null 2>&1; then
  say "Installing tauri-driver"
  cargo install tauri-driver --version 2.1.0 --locked --quiet
fi

# Checks the dependencies' licences and sources (deny.toml).
if $for_tests && ! command -v cargo-deny >/dev/null 2>&1; then
  say "Installing cargo-deny"
  cargo install cargo-deny --version 0.20.2 --locked --quiet
fi

# Radicale for the sync tests, from PyPI at the versions
# tests/dav/requirements.txt pins, in a virtual environment of its own.
if $for_tests; then
  dav_venv="$kizuna_root/target/dav-venv"
  dav_requirements="$kizuna_root/tests/dav/requirements.txt"
  if [[ ! -x "$dav_venv/bin/radicale" || "$dav_requirements" -nt "$dav_venv/.installed" ]]; then
    say "Installing Radicale for the sync tests"
    python3 -m venv "$dav_venv"
    "$dav_venv/bin/pip" install --quiet --disable-pip-version-check --no-deps -r "$dav_requirements"
    touch "$dav_venv/.installed"
  fi
  export KIZUNA_RADICALE="$dav_venv/bin/radicale"
fi
