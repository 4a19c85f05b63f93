#!/bin/sh
# SPDX-FileCopyrightText: 2026 The Latchkey authors
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs the non-UI test suites (core, services but token-store, sandbox, cli, and the load test
# of faults) of a normal build under valgrind memcheck and fails on any memory error or
# definite leak. About two minutes on a 2-core machine; .ci/run runs it. By hand:
#
#   build-aux/valgrind.sh                 every selected test
#   build-aux/valgrind.sh device-query    only these tests
#
# token-store is left out: it talks to a real keyring over D-Bus (test.sh's private session),
# whose timeouts do not survive valgrind's 20-50x slowdown. Child processes (the CLI test runs
# latchkey-cli) are followed too. Each process writes its report to $BUILD/valgrind-logs/.
set -eu
cd "$(dirname "$0")/.."

BUILD=${BUILD:-_build-valgrind}
SUITES="core services sandbox cli faults"
EXCLUDE="token-store"

if ! command -v valgrind >/dev/null 2>&1; then
  echo "valgrind: not installed (apt-get install valgrind)" >&2
  exit 1
fi
sh build-aux/deps.sh
[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" -Dgui=disabled -Dbenchmarks=false -Dbuildtype=debug -Dwerror=true
ninja -C "$BUILD"

if [ $# -gt 0 ]; then
  tests="$*"
else
  tests=$(meson introspect "$BUILD" --tests | python3 -c '
import json, sys
suites = {"latchkey:" + s for s in sys.argv[1].split()}
exclude = set(sys.argv[2].split())
for t in json.load(sys.stdin):
    if suites & set(t["suite"]) and t["name"] not in exclude:
        print(t["name"])' "$SUITES" "$EXCLUDE")
fi

LOGS="$BUILD/valgrind-logs"
rm -rf "$LOGS"
mkdir -p "$LOGS"
# --trace-children follows the CLI test into latchkey-cli; shells and python helpers are not
# ours and are skipped. --num-callers 40: GLib's main loop stacks are deep.
wrap="valgrind --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=1 \
--suppressions=$(pwd)/tests/valgrind.supp --num-callers=40 --trace-children=yes \
--trace-children-skip=*/sh,*/bash,*/dash,*/python3*,*/env,*/dbus-*,*/gnome-keyring* \
--log-file=$(pwd)/$LOGS/%p.log"

# The sandbox's two scale tests build 100 000 devices, minutes of work under valgrind's
# slowdown; the paging they exercise is covered by the other sandbox tests. The load test's
# tight case squeezes Intune's limits into a 1 s window, where the client keeps the 400 ms
# margin it has at Intune's 20 s window (tests/faults/test-load.c): still less than
# valgrind's 20-50x jitter between a request leaving and the sandbox counting it; the scaled
# case at Intune's own limits still runs here. GTest ignores -s paths a program does not have.
skip="-s /sandbox/generator/determinism-and-scale -s /sandbox/generator/big-tenant-pages -s /load/tight-limits"

# A test's waits for an event give up after LK_TEST_WAIT_S (tests/lk-test-common.h: 60 s):
# five times that here, as meson's timeouts are ten times theirs (-t 10).
export LK_TEST_WAIT_S="${LK_TEST_WAIT_S:-300}"
status=0
# shellcheck disable=SC2086
meson test -C "$BUILD" --no-rebuild --print-errorlogs -t 10 --num-processes 1 \
  --test-args="$skip" --wrap="$wrap" $tests || status=1

# One line per process that had something to say; the logs hold the stacks.
definite=0
for log in "$LOGS"/*.log; do
  [ -f "$log" ] || continue
  cmd=$(sed -n 's/^==[0-9]*== Command: //p' "$log" | head -1)
  errors=$(sed -n 's/^==[0-9]*== ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$log" | tail -1)
  lost=$(sed -n 's/^==[0-9]*==    definitely lost: \([0-9,]*\) bytes.*/\1/p' "$log" | tail -1)
  if [ "${errors:-0}" != "0" ] || { [ -n "$lost" ] && [ "$lost" != "0" ]; }; then
    echo "valgrind: $cmd: ${errors:-?} errors, ${lost:-0} bytes definitely lost ($log)"
    definite=1
  fi
done
[ $definite -eq 0 ] && echo "valgrind: no memory errors and no definite leaks in $(ls "$LOGS" | wc -l) processes"
[ $definite -eq 0 ] || status=1
exit $status
