#!/usr/bin/env bash
# The benchmark of the real app (see README, Benchmarks): builds the release
# app and a bare Tauri window (the floor), then measures both under Xvfb with
# a real keyring — time to a usable Today view and to the first list page,
# and the memory of every process each owns.
#
#   bash tests/app-bench.sh
#
# KIZUNA_BENCH_CUSTOMERS (100000) sets the book's size and
# KIZUNA_BENCH_IDLE_MINUTES (30) how long the app idles before the last
# memory reading. Not part of the test command: it takes most of an hour.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source .ci/setup.sh --for-tests
(cd ui && npm run build)
cargo build --release -p kizuna --features kizuna/custom-protocol
# The floor shares the workspace's build folder, so Tauri's dependencies
# are compiled once.
CARGO_TARGET_DIR="$PWD/target" cargo build --release \
  --manifest-path tests/app-bench/hello/Cargo.toml
export KIZUNA_APP="$PWD/target/release/kizuna"
export KIZUNA_HELLO="$PWD/target/release/kizuna-bench-hello"
xvfb-run --auto-servernum --server-args="-screen 0 1366x768x24" \
  dbus-run-session -- bash tests/keyring-session.sh \
  cargo test --release -p kizuna-e2e --test app_bench -- --ignored --nocapture --test-threads=1
