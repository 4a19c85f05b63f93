#!/bin/sh
# SPDX-FileCopyrightText: 2026 The Latchkey authors
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs "$@" in a private X server (Xvfb), session bus and unlocked keyring, with a fresh home
# and settings in memory: a cold `latchkey --demo` for lk-bench (--child cold-frame/-result).
set -eu
if [ -z "${LK_BENCH_COLD_INSIDE:-}" ]; then
  export LK_BENCH_COLD_INSIDE=1
  # The X server's and the buses' chatter goes to a log shown only when the run fails.
  log=$(mktemp)
  status=0
  xvfb-run -a dbus-run-session -- sh "$0" "$@" 2>"$log" || status=$?
  [ $status -eq 0 ] || cat "$log" >&2
  rm -f "$log"
  exit $status
fi
tmp=$(mktemp -d)
# A fresh home, but the caches (Mesa's shader cache above all: ~1.2 s of llvmpipe compiling on
# every start otherwise) persist across runs, as on a desktop where the app has started before.
# LK_BENCH_CACHE_DIR (lk-bench sets it) is that persistent cache; without it they are cold too.
export HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data" \
       XDG_STATE_HOME="$tmp/state" XDG_CACHE_HOME="${LK_BENCH_CACHE_DIR:-$tmp/cache}" XDG_RUNTIME_DIR="$tmp/run"
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_STATE_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
# A throwaway login keyring whose password is not a secret: it only ever holds the demo account.
eval "$(printf bench | gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)"
export GSETTINGS_BACKEND=memory NO_AT_BRIDGE=1
status=0
"$@" || status=$?
rm -rf "$tmp"
exit $status
