#!/bin/sh
# SPDX-FileCopyrightText: 2026 The Latchkey authors
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the libFuzzer harnesses (tests/fuzz) with clang + ASan + UBSan and runs each for a
# bounded time on a scratch copy of its seed corpus. Fails when any harness crashes, leaks,
# hits undefined behaviour or times out; the input that did it is kept in $BUILD/fuzz-findings.
#
#   build-aux/fuzz.sh                   every harness, 20 s each
#   FUZZ_SECONDS=60 build-aux/fuzz.sh   longer runs
#   build-aux/fuzz.sh oidc graph-error  only these
#
# The library itself is compiled with -fsanitize=fuzzer-no-link so libFuzzer gets coverage from
# the parsers, not only from the harnesses. -Dwerror=false: clang warns where GCC (the -Werror
# build) does not, e.g. on g_autoptr variables only used for their cleanup; this build is about
# crashes. Output ends with one line per harness, never a "N passed, N failed" line (that form
# belongs to .ci/run's summary).
set -eu
cd "$(dirname "$0")/.."

BUILD=${BUILD:-_build-fuzz}
SECONDS_EACH=${FUZZ_SECONDS:-20}
HARNESSES="device-json graph-error oidc request-policy device-query action-result json text"
[ $# -gt 0 ] && HARNESSES="$*"

sh build-aux/deps.sh
if ! command -v clang >/dev/null 2>&1 || ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
  echo "fuzz: clang and libclang-rt-14-dev are needed (build-aux/deps.sh installs them)" >&2
  exit 1
fi

if [ ! -f "$BUILD/build.ninja" ]; then
  CC=clang meson setup "$BUILD" -Dfuzzing=true -Dgui=disabled -Db_lundef=false \
    -Db_sanitize=address,undefined -Dc_args=-fsanitize=fuzzer-no-link \
    -Dbenchmarks=false -Dwerror=false -Dbuildtype=debugoptimized
fi
targets=""
for h in $HARNESSES; do
  targets="$targets tests/fuzz/fuzz-$h"
done
# shellcheck disable=SC2086
ninja -C "$BUILD" $targets

FINDINGS="$BUILD/fuzz-findings"
mkdir -p "$FINDINGS"
# Two passes per harness. 1: fuzz with ASan's fast unwinder and leak checks off (3-30x more
# inputs a second). 2: replay the whole corpus the first pass grew once, with leak checks on and
# full unwinding: GLib, json-glib and libsoup have no frame pointers, and the LSan suppressions
# (tests/lsan.supp + tests/fuzz/lsan.supp, system libraries only) name functions inside them.
supp="$BUILD/fuzz-lsan.supp"
cat tests/lsan.supp tests/fuzz/lsan.supp >"$supp"
export LSAN_OPTIONS="suppressions=$(pwd)/$supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export G_SLICE=always-malloc GSETTINGS_BACKEND=memory LC_ALL=C.UTF-8 NO_AT_BRIDGE=1

status=0
summary=""
for h in $HARNESSES; do
  work=$(mktemp -d)
  cp -r "tests/fuzz/corpus/$h/." "$work/"
  log="$BUILD/fuzz-$h.log"
  echo "fuzz: $h for ${SECONDS_EACH}s"
  result="ok"
  if ! ASAN_OPTIONS="abort_on_error=1:detect_leaks=0" \
       "$BUILD/tests/fuzz/fuzz-$h" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
         -max_len=65536 -detect_leaks=0 -print_final_stats=1 -artifact_prefix="$FINDINGS/$h-" \
         "$work" >"$log" 2>&1; then
    result="CRASH (see $log and $FINDINGS/$h-*)"
  elif ! ASAN_OPTIONS="abort_on_error=1:detect_leaks=1:fast_unwind_on_malloc=0" \
       "$BUILD/tests/fuzz/fuzz-$h" -runs=0 -timeout=10 -max_total_time=300 \
         -artifact_prefix="$FINDINGS/$h-" "$work" >"$log.leaks" 2>&1; then
    result="LEAK (see $log.leaks)"
    log="$log.leaks"
  fi
  if [ "$result" != "ok" ]; then
    status=1
    tail -40 "$log" >&2
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$BUILD/fuzz-$h.log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$BUILD/fuzz-$h.log" | tail -1 | cut -d' ' -f2)
  units=$(ls "$work" | wc -l)
  summary="$summary
  $h: $result, ${execs:-?} execs, coverage ${cov:-?} edges, corpus $units inputs"
  rm -rf "$work"
done

echo "fuzz summary (${SECONDS_EACH}s each):$summary"
exit $status
