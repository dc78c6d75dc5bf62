#!/usr/bin/env bash
# Runs a command inside the current D-Bus session with a real Secret
# Service: gnome-keyring-daemon, its login keyring created and unlocked
# with a throwaway password, so the app keeps its store key there exactly
# as on a desktop. Use inside `dbus-run-session`.
set -euo pipefail
home="$(mktemp -d)"
export XDG_DATA_HOME="$home/data" XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$home/run}"
mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
# In the foreground, so it is this script's child and ends with it.
printf 'kizuna-test' | gnome-keyring-daemon --foreground --unlock --components=secrets \
  >"$home/keyring.env" 2>"$home/keyring.log" &
keyring=$!
trap 'kill "$keyring" 2>/dev/null || true; rm -rf "$home"' EXIT
for _ in $(seq 100); do
  busctl --user status org.freedesktop.secrets >/dev/null 2>&1 && break
  dbus-send --session --print-reply --dest=org.freedesktop.DBus / \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null |
    grep -q "boolean true" && break
  sleep 0.1
done
"$@"
