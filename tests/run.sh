#!/usr/bin/env bash
# Installs everything and runs every test: formatting and lints, the
# dependencies' licences and sources, the core's tests on real SQLite files,
# the interface's checks and unit tests, and the end-to-end suite driving the
# real app under Xvfb, with a real notification daemon and a real keyring
# (gnome-keyring) on the session bus, and the .deb package installed and used.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/.ci/setup.sh" --for-tests
cd "$root"

step() { printf '\n\033[1;32m=== %s\033[0m\n' "$*"; }

# The app embeds the built interface, so build it first; every cargo step
# then uses the same features and shares one build.
features=(--features kizuna/custom-protocol)

step "Interface: type check and build"
(cd ui && npm run --silent check && npm run --silent build)

step "Rust: formatting"
cargo fmt --all --check

step "Rust: clippy (warnings are errors)"
cargo clippy --workspace --all-targets --locked "${features[@]}" -- -D warnings

step "Dependencies: licences, banned crates and sources (cargo deny, deny.toml)"
cargo deny --locked check licenses bans sources
# Advisories need the RustSec database of the day: checked when it can be
# fetched, skipped (never failed) without a network.
if fetched="$(timeout 120 cargo deny fetch db 2>&1)"; then
  cargo deny --locked --offline check advisories
else
  reason="$(grep -v '^[[:space:]]*$' <<<"$fetched" | tail -n 1 || true)"
  printf 'Advisories skipped: the advisory database could not be fetched (%s)\n' "${reason:-no reason given}"
fi

step "Core, CLI and shell tests (real SQLite, in memory and on disk)"
cargo test --workspace --exclude kizuna-e2e --locked "${features[@]}"

step "Interface unit tests"
(cd ui && npm test --silent)

step "End-to-end: the real app under Xvfb"
cargo build -p kizuna --locked "${features[@]}"
xvfb-run --auto-servernum --server-args="-screen 0 1440x900x24" \
  dbus-run-session -- bash tests/keyring-session.sh \
  cargo test -p kizuna-e2e --locked -- --test-threads=1

step "Package: the .deb built, checked with lintian, installed, used and removed"
xvfb-run --auto-servernum --server-args="-screen 0 1440x900x24" \
  dbus-run-session -- bash tests/keyring-session.sh \
  bash tests/package.sh

step "All tests passed"
