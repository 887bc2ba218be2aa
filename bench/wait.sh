#!/usr/bin/env bash
# The user's whole wait per gzip level: minify + push + pull of the output on a link of
# SHRINK_WAIT_MBIT Mbit/s (default 100, i.e. 12.5 MB/s), push and pull each moving the compressed
# layers once. For each fixture, RUNS rounds (SHRINK_WAIT_RUNS, default 3), each round minifying at
# every level of SHRINK_WAIT_LEVELS (default "1 6 9 10 11 12") in turn, so that the machine's drift
# hits every level alike: `minify containers-storage:FAT oci:DIR --no-probe --no-verify --timings`
# (the probe and the verification do not depend on the level). The level changes only the layer
# write phase, so a level's minify time is the fixture's level-independent time (the median over all
# its runs of wall time minus layer write) plus that level's median layer write: on a loaded machine
# the wall times of single runs vary by more than the levels differ. Extra minify options in
# SHRINK_BENCH_OPTS. The reference (SHRINK_WAIT_REFERENCE, default "--stdlib-zip
# --compression-level 12", the default before issue 17; empty: none) is minified once per fixture
# for its compressed size; a level is "allowed" when its size is within SHRINK_WAIT_BOUND percent
# (default 5) of it. Prints a Markdown table and the level with the least wait per fixture and over
# all of them (the sum of their waits), among all levels and among the allowed ones.
# Usage: bench/wait.sh [FIXTURE...] (default: falcon flask numpy)
set -euo pipefail
source "$(dirname "$0")/common.sh"
fixtures=("$@")
[ ${#fixtures[@]} -gt 0 ] || fixtures=(falcon flask numpy)
read -r -a levels <<<"${SHRINK_WAIT_LEVELS:-1 6 9 10 11 12}"
read -r -a extra <<<"${SHRINK_BENCH_OPTS:-}"
read -r -a reference <<<"${SHRINK_WAIT_REFERENCE---stdlib-zip --compression-level 12}"
runs=${SHRINK_WAIT_RUNS:-3}
mbit=${SHRINK_WAIT_MBIT:-100}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; at $(git -C "$here" rev-parse --short HEAD);" \
  "options: ${extra[*]:-(none)}; reference: ${reference[*]:-(none)}; $runs runs; link $mbit Mbit/s"
for f in "${fixtures[@]}"; do
  image=$("$here/fixtures/build.sh" "$f" | tail -n 1)
  if [ ${#reference[@]} -gt 0 ]; then
    "$here/shrink" minify "containers-storage:$image" "oci:$work/$f-reference:small" --no-probe --no-verify --quiet "${reference[@]}" \
      >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
    read -r compressed _ < <(python3 "$here/bench/images.py" sizes "$work/$f-reference")
    echo "$f $compressed" >>"$work/references"
  fi
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
touch "$work/references"
python3 - "$work/runs" "$work/references" "$mbit" "${SHRINK_WAIT_BOUND:-5}" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
references = {f: int(size) for f, size in (l.split() for l in open(sys.argv[2]))}
rate, bound = float(sys.argv[3]) * 1e6 / 8, float(sys.argv[4])  # bytes per second, percent
by = {}
for f, level, _, wall, write, size in rows:
    by.setdefault((f, int(level)), []).append((float(wall), float(write), int(size)))
fixtures = list(dict.fromkeys(f for f, *_ in rows))
fixed = {f: statistics.median(w - lw for (g, _), v in by.items() if g == f for w, lw, _ in v) for f in fixtures}
print(f"\nWait = minify s (level-independent median + the level's layer write) + push + pull (2 x compressed / {rate / 1e6:g} MB/s);"
      f" medians of {len(next(iter(by.values())))} runs; allowed: compressed within {bound:g}% of the reference's\n")
print("| fixture | level | minify wall s | layer write s | minify s | compressed MB | vs reference | push + pull s | wait s |")
print("|---|---|---|---|---|---|---|---|---|")
waits, allowed = {}, set()
for (f, level), v in by.items():
    wall, write = statistics.median(w for w, _, _ in v), statistics.median(w for _, w, _ in v)
    size = v[0][2]
    waits[(f, level)] = fixed[f] + write + 2 * size / rate
    ratio = f"{100 * (size / references[f] - 1):+.1f}%" if f in references else "-"
    if f not in references or size <= references[f] * (1 + bound / 100):
        allowed.add((f, level))
    print(f"| {f} | {level} | {wall:.2f} | {write:.2f} | {fixed[f] + write:.2f} | {size / 1e6:.2f} | {ratio} | {2 * size / rate:.2f} |"
          f" {waits[(f, level)]:.2f} |")
print()
levels = sorted({level for _, level in waits})
for label, keep in (("", lambda f, level: True), ("allowed ", lambda f, level: (f, level) in allowed)):
    for f in fixtures:
        best = min(((w, level) for (g, level), w in waits.items() if g == f and keep(f, level)), default=None)
        print(f"{f}: least wait at {label}level {best[1]} ({best[0]:.2f} s)" if best else f"{f}: no {label}level")
    common = [level for level in levels if all(keep(f, level) for f in fixtures)]
    total = {level: sum(waits[(f, level)] for f in fixtures) for level in common}
    if total:
        best = min(common, key=total.get)
        print(f"all fixtures: least total wait at {label}level {best} ({total[best]:.2f} s; " +
              ", ".join(f"{level}: {total[level]:.2f}" for level in common) + ")")
PY
