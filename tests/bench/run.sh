#!/bin/sh
# Latchkey's benchmarks, side by side with Microsoft's Graph SDK for JavaScript, in one run
# against one sandbox process. Prints medians (and min–max) over RUNS runs and the ratios.
#
#   tests/bench/run.sh [DEVICES] [RUNS]        (defaults: 100000 devices, 5 runs)
set -eu
cd "$(dirname "$0")/../.."
DEVICES=${1:-100000}
RUNS=${2:-5}
BUILD=${BUILD:-_build}
[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD"
ninja -C "$BUILD" tests/bench/lk-bench tests/bench/lk-sandbox-serve >/dev/null
(cd tests/bench/peer && [ -d node_modules ] || npm ci --no-audit --no-fund >/dev/null)

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mkfifo "$out/in"
"$BUILD/tests/bench/lk-sandbox-serve" "$DEVICES" < "$out/in" > "$out/server" &
exec 3>"$out/in"
while [ ! -s "$out/server" ]; do sleep 0.1; done
read -r URL TOKEN < "$out/server"

for i in $(seq "$RUNS"); do
  "$BUILD/tests/bench/lk-bench" "$URL" "$TOKEN" list >> "$out/latchkey.jsonl"
  "$BUILD/tests/bench/lk-bench" "$URL" "$TOKEN" raw >> "$out/raw.jsonl"
  (cd tests/bench/peer && node list-devices.mjs "$URL" "$TOKEN") >> "$out/peer.jsonl"
  "$BUILD/tests/bench/lk-bench" "$URL" "$TOKEN" stall >> "$out/stall.jsonl"
  "$BUILD/tests/bench/lk-bench" "$URL" "$TOKEN" search "walker" >> "$out/search-name.jsonl"
  "$BUILD/tests/bench/lk-bench" "$URL" "$TOKEN" classify >> "$out/classify.jsonl"
done
exec 3>&-
wait

# Cold start of the window on the demo tenant, under Xvfb when there is no display.
if [ -x "$BUILD/src/ui/latchkey" ] && command -v xvfb-run >/dev/null; then
  cat > "$out/cold.sh" <<EOS
export HOME=\$(mktemp -d) XDG_DATA_HOME=\$(mktemp -d) XDG_RUNTIME_DIR=\$(mktemp -d) XDG_STATE_HOME=\$(mktemp -d)
chmod 700 \$XDG_RUNTIME_DIR
eval "\$(printf bench | gnome-keyring-daemon --unlock --components=secrets)"
export GSETTINGS_SCHEMA_DIR=$PWD/$BUILD/data GSETTINGS_BACKEND=memory NO_AT_BRIDGE=1
for i in \$(seq $RUNS); do
  LATCHKEY_BENCH_FIRST_FRAME=1 timeout 30 $PWD/$BUILD/src/ui/latchkey --demo >> $out/frame.jsonl
  LATCHKEY_BENCH_FIRST_RESULT=1 timeout 30 $PWD/$BUILD/src/ui/latchkey --demo >> $out/result.jsonl
done
EOS
  xvfb-run -a dbus-run-session -- sh "$out/cold.sh" >/dev/null 2>&1 || true
fi

python3 - "$out" "$DEVICES" "$RUNS" <<'PY'
import json, statistics, sys, os
out, devices, runs = sys.argv[1], sys.argv[2], sys.argv[3]
def load(name):
    return [json.loads(l) for l in open(os.path.join(out, name + ".jsonl"))]
def med(rows, key):
    values = [r[key] for r in rows]
    return statistics.median(values), min(values), max(values)
def show(label, rows, key, unit, scale=1.0):
    m, lo, hi = med(rows, key)
    print(f"  {label:<44} {m*scale:10.2f} {unit:<8} ({lo*scale:.2f}–{hi*scale:.2f})")
    return m
lk, raw, peer = load("latchkey"), load("raw"), load("peer")
print(f"Latchkey benchmarks: {devices} devices, {runs} runs each, medians (min–max)")
t_lk = show("full listing, Latchkey (Graph client)", lk, "seconds", "s")
t_raw = show("full listing, raw bytes (the floor)", raw, "seconds", "s")
t_peer = show("full listing, @microsoft/microsoft-graph-client", peer, "seconds", "s")
rss_lk = show("peak RSS, Latchkey", lk, "peak_rss_kb", "MB", 1/1024)
rss_peer = show("peak RSS, peer", peer, "peak_rss_kb", "MB", 1/1024)
show("devices/s, Latchkey", [{"v": int(devices)/r["seconds"]} for r in lk], "v", "/s")
show("devices/s, peer", [{"v": int(devices)/r["seconds"]} for r in peer], "v", "/s")
show("longest main-loop stall while streaming", load("stall"), "max_stall_ms", "ms")
show("search 'walker': first page", load("search-name"), "first_page_seconds", "s")
show("capability classification", load("classify"), "devices_per_second", "/s")
if os.path.exists(os.path.join(out, "frame.jsonl")) and os.path.getsize(os.path.join(out, "frame.jsonl")) > 0:
    show("cold start of latchkey --demo to first frame", load("frame"), "first_frame_seconds", "s")
    show("cold start of latchkey --demo to first result", load("result"), "first_result_seconds", "s")
print(f"Ratios: Latchkey/peer time {t_lk/t_peer:.2f} (goal ≤ 0.33), Latchkey/raw time {t_lk/t_raw:.2f} "
      f"(goal ≤ 1.5), Latchkey/peer peak RSS {rss_lk/rss_peer:.2f} (goal ≤ 0.5)")
PY
