#!/bin/sh
# SPDX-FileCopyrightText: 2026 The Latchkey authors
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs test-secret-hygiene in a session of its own: a fresh HOME and XDG folders, its own D-Bus
# and its own unlocked gnome-keyring, whose files land in that XDG_DATA_HOME. Everything the app,
# the CLI and the libraries they load write during the session is then under one folder, which
# the test searches file by file. Nothing touches the caller's keyring, nor test.sh's shared one
# (where the CLI tests save and count demo accounts at the same time).
#
#   run-hygiene.sh TEST-PROGRAM LATCHKEY-CLI
set -eu

for tool in dbus-run-session gnome-keyring-daemon; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "1..0 # SKIP $tool is not installed"
    exit 77
  fi
done

root=$(mktemp -d "${TMPDIR:-/tmp}/latchkey-hygiene-XXXXXX")
mkdir -m 700 "$root/home" "$root/data" "$root/config" "$root/state" "$root/cache" "$root/runtime"
export HOME="$root/home" XDG_DATA_HOME="$root/data" XDG_CONFIG_HOME="$root/config" \
  XDG_STATE_HOME="$root/state" XDG_CACHE_HOME="$root/cache" XDG_RUNTIME_DIR="$root/runtime"
# A settings store that is a file, so the test can search it (the other tests keep it in memory).
export GSETTINGS_BACKEND=keyfile
# Not test.sh's keyring: with its control socket in the environment gnome-keyring-daemon would
# unlock that one instead of starting ours.
unset GNOME_KEYRING_CONTROL

status=0
dbus-run-session -- sh -c '
  set -eu
  # A password is required: with none, gnome-keyring asks for one on screen and the run hangs.
  # G_DEBUG=fatal-warnings, meant for the tests, would make the daemon abort on a warning.
  eval "$(printf "latchkey-test" | env -u G_DEBUG -u G_MESSAGES_DEBUG gnome-keyring-daemon --unlock --components=secrets)"
  export GNOME_KEYRING_CONTROL
  exec "$@"
' hygiene "$@" || status=$?

# A failure keeps the folder, for a look at what was written where.
if [ $status -eq 0 ]; then
  rm -rf "$root" || true
else
  echo "secret-hygiene: the session's files are kept in $root" >&2
fi
exit $status
