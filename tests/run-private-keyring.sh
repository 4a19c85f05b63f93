#!/bin/sh
# SPDX-FileCopyrightText: 2026 The Latchkey authors
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs a test program in a D-Bus session of its own with an empty, unlocked gnome-keyring, so
# what it finds in the keyring is only what it put there — whatever the tests running beside it
# (build-aux/test.sh runs two at a time on one shared keyring) save, clear or lock.
#
#   run-private-keyring.sh PROGRAM [ARGUMENT…]
set -eu

for tool in dbus-run-session gnome-keyring-daemon; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "1..0 # SKIP $tool is not installed"
    exit 77
  fi
done

runtime=$(mktemp -d "${TMPDIR:-/tmp}/latchkey-keyring-XXXXXX")
chmod 700 "$runtime"
trap 'rm -rf "$runtime" 2>/dev/null || true' EXIT
# Not the caller's keyring: with its control socket in the environment gnome-keyring-daemon would
# unlock that one instead of starting ours. Its keyring files go to a folder of ours.
unset GNOME_KEYRING_CONTROL
export XDG_RUNTIME_DIR="$runtime" XDG_DATA_HOME="$runtime"
dbus-run-session -- sh -c '
  set -eu
  # Not ours: its warnings must not be fatal as the tests'"'"' are.
  eval "$(printf latchkey-test | G_DEBUG= gnome-keyring-daemon --unlock --components=secrets)"
  export GNOME_KEYRING_CONTROL
  exec "$@"
' private-keyring "$@"
