#!/usr/bin/env bash
# The user's whole wait per gzip level: minify + push + pull of the output on a link of
# SHRINK_WAIT_MBIT Mbit/s (default 100, i.e. 12.5 MB/s), push and pull each moving the compressed
# layers once. For each fixture, RUNS rounds (SHRINK_WAIT_RUNS, default 3), each round minifying at
# every level of SHRINK_WAIT_LEVELS (default "1 6 9 10 11 12") in turn, so that the machine's drift
# hits every level alike: `minify containers-storage:FAT oci:DIR --no-probe --no-verify --timings`
# (the probe and the verification do not depend on the level). Extra minify options in
# SHRINK_BENCH_OPTS (e.g. --stdlib-zip). Prints a Markdown table (medians of wall s and of the layer
# write phase, compressed MB, push + pull s, wait s) and the level with the least wait per fixture
# and over all of them (the sum of their waits).
# Usage: bench/wait.sh [FIXTURE...] (default: falcon flask numpy)
set -euo pipefail
source "$(dirname "$0")/common.sh"
fixtures=("$@")
[ ${#fixtures[@]} -gt 0 ] || fixtures=(falcon flask numpy)
read -r -a levels <<<"${SHRINK_WAIT_LEVELS:-1 6 9 10 11 12}"
read -r -a extra <<<"${SHRINK_BENCH_OPTS:-}"
runs=${SHRINK_WAIT_RUNS:-3}
mbit=${SHRINK_WAIT_MBIT:-100}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; at $(git -C "$here" rev-parse --short HEAD);" \
  "options: ${extra[*]:-(none)}; $runs runs; link $mbit Mbit/s"
for f in "${fixtures[@]}"; do
  image=$("$here/fixtures/build.sh" "$f" | tail -n 1)
  for run in $(seq "$runs"); do
    for level in "${levels[@]}"; do
      out="$work/$f-$level"
      rm -rf "$out"
      start=$(date +%s.%N)
      "$here/shrink" minify "containers-storage:$image" "oci:$out:small" --no-probe --no-verify --timings --quiet \
        --compression-level "$level" "${extra[@]}" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
      end=$(date +%s.%N)
      write=$(awk '/^layer write / {print $3}' "$work/err")
      read -r compressed _ < <(python3 "$here/bench/images.py" sizes "$out")
      echo "$f $level $run $(python3 -c "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$start" "$end") $write $compressed" \
        >>"$work/runs"
    done
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$work/runs" "$mbit" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
rate = float(sys.argv[2]) * 1e6 / 8  # bytes per second
by = {}
for f, level, _, wall, write, size in rows:
    by.setdefault((f, int(level)), []).append((float(wall), float(write), int(size)))
fixtures = list(dict.fromkeys(f for f, *_ in rows))
print(f"\nWait = minify wall s + push + pull (2 x compressed / {rate / 1e6:g} MB/s); medians of {len(next(iter(by.values())))} runs\n")
print("| fixture | level | minify wall s | layer write s | compressed MB | push + pull s | wait s |")
print("|---|---|---|---|---|---|---|")
waits = {}
for (f, level), v in by.items():
    wall, write = statistics.median(w for w, _, _ in v), statistics.median(w for _, w, _ in v)
    size = v[0][2]
    waits[(f, level)] = wall + 2 * size / rate
    print(f"| {f} | {level} | {wall:.2f} | {write:.2f} | {size / 1e6:.2f} | {2 * size / rate:.2f} | {waits[(f, level)]:.2f} |")
print()
for f in fixtures:
    best = min((w, level) for (g, level), w in waits.items() if g == f)
    print(f"{f}: least wait at level {best[1]} ({best[0]:.2f} s)")
levels = sorted({level for _, level in waits})
total = {level: sum(waits[(f, level)] for f in fixtures) for level in levels}
best = min(levels, key=total.get)
print(f"all fixtures: least total wait at level {best} ({total[best]:.2f} s; " +
      ", ".join(f"{level}: {total[level]:.2f}" for level in levels) + ")")
PY
