#!/usr/bin/env bash
# For each fixture: minify without and with its probe, in the same run: wall time of each, files
# kept by each, the traced run's own time (as minify reports it: start, probe, stop, parse), and
# how many paths the trace added beyond static analysis (kept with the probe and not without). Prints a Markdown table. Usage: bench/probe.sh [FIXTURE...] (default: all below)
set -euo pipefail
source "$(dirname "$0")/common.sh"
# the probe each fixture is exercised with
declare -A probe=(
  [falcon]="--probe-http 8000:/number"
  [flask]="--probe-http 8000:/?name=bench"
  [gunicorn-worker]="--probe-http 8000:/number"
  [pygmentize]="--probe-cmd ''"
  [yaml-sqlite]="--probe-cmd ''"
  [numpy]="--probe-cmd ''"
  [dynamic]="--probe-cmd ''"
  [codec]="--probe-cmd ''"
)
fixtures=("$@")
[ ${#fixtures[@]} -gt 0 ] || fixtures=(falcon flask pygmentize yaml-sqlite numpy dynamic gunicorn-worker codec)

echo "| fixture | probe | static: wall s, files | with probe: wall s, files | traced run s | paths added by the trace |"
echo "|---|---|---|---|---|---|"
for f in "${fixtures[@]}"; do
  image=$("$here/fixtures/build.sh" "$f" | tail -n 1)
  for mode in static probe; do
    opts=()
    [ "$mode" = static ] || eval "opts=(${probe[$f]})"
    start=$(date +%s.%N)
    "$here/shrink" minify "containers-storage:$image" "oci:$work/$f-$mode:small" --report "$work/$f-$mode.json" "${opts[@]}" \
      >/dev/null 2>"$work/$f-$mode.err" || { cat "$work/$f-$mode.err" >&2; exit 1; }
    echo "$(date +%s.%N) - $start" | bc > "$work/$f-$mode.secs"
  done
  python3 - "$work" "$f" "${probe[$f]}" <<'PY'
import json, re, sys
work, name, probe = sys.argv[1:]
load = lambda m: json.load(open(f"{work}/{name}-{m}.json"))
secs = lambda m: float(open(f"{work}/{name}-{m}.secs").read())
s, p = load("static"), load("probe")
paths = lambda r: {f["path"] for f in r["files"]}
traced = re.search(r"probe: traced .* \((\d+) ms\)", open(f"{work}/{name}-probe.err").read())
print(f"| {name} | `{probe}` | {secs('static'):.1f}, {s['after']['files']} | {secs('probe'):.1f}, {p['after']['files']} | "
      f"{int(traced.group(1)) / 1000:.1f} | {len(paths(p) - paths(s))} |")
PY
done
