#!/bin/sh
# SPDX-FileCopyrightText: 2026 The Latchkey authors
# SPDX-License-Identifier: GPL-3.0-or-later
# One command from a fresh Debian 12 checkout to Latchkey running on the built-in demo tenant:
# installs what is missing, builds, and starts the window (or, without a display, the CLI).
set -eu
cd "$(dirname "$0")/.."
sh build-aux/deps.sh

BUILD=${BUILD:-_build}
[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" -Dprofile=development
ninja -C "$BUILD"

export GSETTINGS_SCHEMA_DIR="$PWD/$BUILD/data"
if [ -x "$BUILD/src/ui/latchkey" ] && { [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; }; then
  exec "$BUILD/src/ui/latchkey" --demo "$@"
fi
echo "No display found: showing the demo tenant through latchkey-cli instead."
exec "$BUILD/src/cli/latchkey-cli" --demo search "${1:-}"
