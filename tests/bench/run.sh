#!/bin/sh
# SPDX-FileCopyrightText: 2026 The Latchkey authors
# SPDX-License-Identifier: GPL-3.0-or-later
# Latchkey's benchmarks side by side with Microsoft's Graph SDK for JavaScript (see README
# "Performance"): builds lk-bench in $BUILD (default _build) and runs it.
#
#   tests/bench/run.sh [DEVICES] [RUNS] [lk-bench options…]   (defaults: 100000 devices, 5 runs)
set -eu
cd "$(dirname "$0")/../.."
DEVICES=${1:-100000}
RUNS=${2:-5}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] && shift
BUILD=${BUILD:-_build}
[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD"
ninja -C "$BUILD" >/dev/null
exec "$BUILD/tests/bench/lk-bench" --devices "$DEVICES" --runs "$RUNS" "$@"
