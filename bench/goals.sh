#!/usr/bin/env bash
# Issue 17's goals table from one run, two jars side by side (BEFORE = today, AFTER = new):
#  - minify of the Falcon fixture with --no-probe --no-verify: median wall s and peak RSS of RUNS
#    runs of each jar, alternating;
#  - minify of the big fixture (sklearn, when fixtures/build.sh knows it): one run of each;
#  - copy containers-storage: -> oci: of Falcon, each jar and `skopeo copy`, alternating, RUNS each:
#    medians and the ratio to skopeo's;
#  - the default image (minify with no flags) of falcon, flask and pygmentize from each jar: pulled
#    (compressed) and raw size, and its app start against the fat image's (bench/images.py start:
#    START runs of each image, interleaved, shrunk images --read-only; medians, ratio to the fat);
#  - flask-pyorg's python.org-style libpython in each jar's default output: kept size and whether it
#    was stripped (the report's strippedFrom).
# BEFORE and AFTER are each a jar (run with `java -jar`) or a launcher (run as it is: `./shrink`
# runs the jar with its own JVM options, as users run shrink).
# Usage: bench/goals.sh BEFORE AFTER [RUNS [START]]   (default 3 runs, 11 starts)
set -euo pipefail
source "$(dirname "$0")/common.sh"
before=$1 after=$2 runs=${3:-3} starts=${4:-11}
tag=goals$$
trap 'rm -rf "$work"; podman rmi -f $(podman images -q --filter reference="localhost/$tag/*") >/dev/null 2>&1 || true' EXIT
jars=(before after)
side() { case $1 in *.jar) echo java -jar "$1" ;; *) echo "$1" ;; esac; } # (paths without spaces)
read -r -a before_cmd <<<"$(side "$before")"
read -r -a after_cmd <<<"$(side "$after")"
median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
timed() { # label command... -> appends "label wall rss_mb" to $work/runs
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$work/out" 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
  read -r wall kb <"$work/time"
  echo "$label $wall $((kb / 1024))" | tee -a "$work/runs" >&2
}
col() { grep "^$1 " "$work/runs" | cut -d' ' -f"$2" | median; }
image() { "$here/fixtures/build.sh" "$1" | tail -n 1; }

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; at $(git -C "$here" rev-parse --short HEAD)"
echo "before: $before; after: $after; $runs runs, $starts starts"
falcon=$(image falcon)
for i in $(seq "$runs"); do
  for j in "${jars[@]}"; do
    unset -n cmd; declare -n cmd=${j}_cmd
    timed "minify-$j" "${cmd[@]}" minify --no-probe --no-verify "containers-storage:$falcon" "oci:$work/m-$j-$i:small"
    rm -rf "$work/m-$j-$i"
  done
done
big=""
if big=$(image sklearn 2>/dev/null); then
  for j in "${jars[@]}"; do
    unset -n cmd; declare -n cmd=${j}_cmd
    timed "big-$j" "${cmd[@]}" minify --no-probe --no-verify "containers-storage:$big" "oci:$work/b-$j:small"
    rm -rf "$work/b-$j"
  done
fi
for i in $(seq "$runs"); do
  for j in "${jars[@]}"; do
    unset -n cmd; declare -n cmd=${j}_cmd
    timed "copy-$j" "${cmd[@]}" copy "containers-storage:$falcon" "oci:$work/c-$j-$i:latest"
    rm -rf "$work/c-$j-$i"
  done
  timed copy-skopeo skopeo copy -q "containers-storage:$falcon" "oci:$work/c-skopeo-$i:latest"
  rm -rf "$work/c-skopeo-$i"
done

declare -A start_row size_row
for f in falcon flask pygmentize; do
  fat=$(image "$f")
  case $f in falcon) path=/number ;; flask) path=/ ;; *) path=- ;; esac
  images=("$fat")
  for j in "${jars[@]}"; do
    unset -n cmd; declare -n cmd=${j}_cmd
    "${cmd[@]}" minify -q "containers-storage:$fat" "oci:$work/$f-$j:small" >/dev/null
    size_row[$f-$j]=$(python3 "$here/bench/images.py" sizes "$work/$f-$j")
    "${after_cmd[@]}" copy -q "oci:$work/$f-$j:small" "containers-storage:localhost/$tag/$f:$j" >/dev/null
    images+=("ro:localhost/$tag/$f:$j")
  done
  start_row[$f]=$(python3 "$here/bench/images.py" start "$starts" "$path" "${images[@]}" | cut -d' ' -f1 | tr '\n' ' ')
done

pyorg=$(image flask-pyorg)
for j in "${jars[@]}"; do
  unset -n cmd; declare -n cmd=${j}_cmd
  "${cmd[@]}" minify -q --report "$work/pyorg-$j.json" "containers-storage:$pyorg" "oci:$work/p-$j:small" >/dev/null
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

ratio() { echo "scale=2; $1 / $2" | bc; }
echo
echo "| measure | before | after |"
echo "|---|---|---|"
echo "| minify Falcon --no-probe --no-verify, median wall s | $(col minify-before 2) | $(col minify-after 2) |"
if [ -n "$big" ]; then
  echo "| minify $big --no-probe --no-verify, wall s | $(col big-before 2) | $(col big-after 2) |"
  echo "| minify $big, peak RSS MB | $(col big-before 3) | $(col big-after 3) |"
fi
echo "| minify Falcon, median peak RSS MB | $(col minify-before 3) | $(col minify-after 3) |"
skopeo=$(col copy-skopeo 2)
echo "| copy containers-storage: -> oci: Falcon, median wall s (skopeo $skopeo s) | $(col copy-before 2) ($(ratio "$(col copy-before 2)" "$skopeo")x) | $(col copy-after 2) ($(ratio "$(col copy-after 2)" "$skopeo")x) |"
echo "| copy, median peak RSS MB | $(col copy-before 3) | $(col copy-after 3) |"
for f in falcon flask pygmentize; do
  read -r fat b a <<<"${start_row[$f]}"
  echo "| $f default image: app start s (fat $fat s) | $b ($(ratio "$b" "$fat")x) | $a ($(ratio "$a" "$fat")x) |"
  read -r bgz braw <<<"${size_row[$f-before]}"
  read -r agz araw <<<"${size_row[$f-after]}"
  echo "| $f default image: raw / compressed MB | $(ratio "$braw" 1000000) / $(ratio "$bgz" 1000000) | $(ratio "$araw" 1000000) / $(ratio "$agz" 1000000) ($(echo "scale=1; ($agz - $bgz) * 100 / $bgz" | bc)%) |"
done
lib() { # report -> "size (stripped from N)" of the kept libpython
  python3 - "$1" <<'PY'
import json, sys
for f in json.load(open(sys.argv[1]))["files"]:
    if "/libpython3" in f["path"] and f.get("type") == "file":
        s = f"{f['path']} {f['size'] / 1e6:.2f} MB"
        print(s + (f" (stripped from {f['strippedFrom'] / 1e6:.2f} MB)" if f.get("strippedFrom") else " (not stripped)"))
PY
}
echo "| flask-pyorg default image: libpython kept | $(lib "$work/pyorg-before.json") | $(lib "$work/pyorg-after.json") |"
