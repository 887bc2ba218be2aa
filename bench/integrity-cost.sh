#!/usr/bin/env bash
# What verifying every byte costs (issue 18): wall time, user+sys CPU and peak RSS of `copy
# containers-storage: -> oci:` and `minify --no-probe --no-verify` of a fixture, with two jars
# run alternately (A, B, A, B, ...), RUNS runs each; prints every run and the medians.
# Usage: bench/integrity-cost.sh BEFORE.jar AFTER.jar [RUNS [FIXTURE]]   (default 5 runs, falcon)
# A jar older than the start-up probe (4aa7ec6) neither probes nor verifies by default and knows
# no --no-probe/--no-verify: they are passed only to a jar whose `minify --help` names them.
set -euo pipefail
source "$(dirname "$0")/common.sh"
before=$1 after=$2 runs=${3:-5} fixture=${4:-falcon}
image=$("$here/fixtures/build.sh" "$fixture" | tail -n 1)

flags() { # jar -> minify flags that turn the probe and the verification off
  if java -jar "$1" minify --help 2>&1 | grep -q -- '--no-verify'; then echo "--no-probe --no-verify"; fi
}

run() { # label jar operation
  local label=$1 jar=$2 op=$3 out="$work/out-$RANDOM"
  case $op in
    copy) set -- java -jar "$jar" copy "containers-storage:$image" "oci:$out:latest" ;;
    minify) set -- java -jar "$jar" minify $(flags "$jar") "containers-storage:$image" "oci:$out:small" ;;
  esac
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
  rm -rf "$out"
  read -r wall user sys kb < "$work/time"
  echo "$op $label $wall $(echo "$user + $sys" | bc) $((kb / 1024))" | tee -a "$work/runs" >&2
}

for op in copy minify; do
  for i in $(seq "$runs"); do
    run before "$before" "$op"
    run after "$after" "$op"
  done
done

median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
echo "fixture: $image, $runs runs of each jar, alternating"
echo
echo "| operation | jar | median wall s | median user+sys s | median peak RSS MB |"
echo "|---|---|---|---|---|"
for op in copy minify; do
  for label in before after; do
    rows=$(grep "^$op $label " "$work/runs")
    printf '| %s | %s | %s | %s | %s |\n' "$op" "$label" \
      "$(awk '{print $3}' <<<"$rows" | median)" "$(awk '{print $4}' <<<"$rows" | median)" "$(awk '{print $5}' <<<"$rows" | median)"
  done
done
