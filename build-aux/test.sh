#!/bin/sh
# SPDX-FileCopyrightText: 2026 The Latchkey authors
# SPDX-License-Identifier: GPL-3.0-or-later
# One command from a fresh Debian 12 checkout to the whole test suite passing: installs what is
# missing, builds, and runs `meson test` inside a private session (Xvfb, its own D-Bus, and an
# unlocked throw-away gnome-keyring), so nothing touches the user's real keyring or display.
#
#   build-aux/test.sh              normal build in _build-tests
#   build-aux/test.sh --sanitize   AddressSanitizer + UBSan build in _build-sanitize
set -eu
cd "$(dirname "$0")/.."
sh build-aux/deps.sh

if [ "${1:-}" = "--sanitize" ]; then
  shift
  BUILD=${BUILD:-_build-sanitize}
  OPTS="-Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug -Dbenchmarks=false"
else
  BUILD=${BUILD:-_build-tests}
  OPTS=""
fi
# Warnings are errors here (CI runs this script), not in the project's defaults: people building
# a release with a newer compiler should not be stopped by a warning it adds.
OPTS="$OPTS -Dwerror=true"

# shellcheck disable=SC2086
[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" $OPTS
ninja -C "$BUILD"

export LK_BUILD="$BUILD"
exec xvfb-run -a -s "-screen 0 1280x1024x24" dbus-run-session -- sh -c '
  set -eu
  HOME=$(mktemp -d) XDG_DATA_HOME=$(mktemp -d) XDG_CONFIG_HOME=$(mktemp -d)
  XDG_CACHE_HOME=$(mktemp -d) XDG_STATE_HOME=$(mktemp -d) XDG_RUNTIME_DIR=$(mktemp -d)
  chmod 700 "$XDG_RUNTIME_DIR"
  export HOME XDG_DATA_HOME XDG_CONFIG_HOME XDG_CACHE_HOME XDG_STATE_HOME XDG_RUNTIME_DIR
  # A password is required: with none, gnome-keyring asks for one on screen and the run hangs.
  eval "$(printf "latchkey-test" | gnome-keyring-daemon --unlock --components=secrets)"
  export GNOME_KEYRING_CONTROL
  export LK_TEST_REQUIRE_KEYRING=1 LK_TEST_REQUIRE_LOCALE=1
  status=0
  meson test -C "$LK_BUILD" --print-errorlogs --num-processes 2 "$@" || status=$?
  exit $status
' latchkey-tests "$@"
