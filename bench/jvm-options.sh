#!/usr/bin/env bash
# Wall time, user+sys CPU and peak RSS of one shrink command run with several java command lines
# (JVM options and a jar), alternately (V1, V2, ..., V1, V2, ...), RUNS runs each; prints every run,
# the load average and the medians. Each VARIANT is what goes between `java` and the command, e.g.
# '-jar target/shrink.jar' or '-XX:+UseSerialGC -jar /tmp/old.jar'.
# OP picks the command: minify (default: `minify --no-probe --no-verify` of FIXTURE from
# containers-storage to oci), copy (containers-storage -> oci), inspect (of FIXTURE), version.
# Usage: [RUNS=5] [FIXTURE=falcon] [OP=minify] bench/jvm-options.sh VARIANT...
set -euo pipefail
source "$(dirname "$0")/common.sh"
runs=${RUNS:-5} fixture=${FIXTURE:-falcon} op=${OP:-minify}
[ "$op" = version ] || image=$("$here/fixtures/build.sh" "$fixture" | tail -n 1)

run() { # index, variant
  local index=$1 out="$work/out-$RANDOM" java
  read -r -a java <<<"$2"
  case $op in
    minify) set -- minify --no-probe --no-verify "containers-storage:$image" "oci:$out:small" ;;
    copy) set -- copy "containers-storage:$image" "oci:$out:latest" ;;
    inspect) set -- inspect "containers-storage:$image" ;;
    version) set -- --version ;;
  esac
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" java "${java[@]}" "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
  rm -rf "$out"
  read -r wall user sys kb < "$work/time"
  echo "$index $wall $(echo "$user + $sys" | bc) $((kb / 1024))" | tee -a "$work/runs" >&2
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $op of $fixture, $runs runs of each, alternating"
for i in $(seq "$runs"); do
  for v in $(seq $#); do
    run "$v" "${!v}"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
echo
echo "| java options and jar | median wall s | median user+sys s | median peak RSS MB | peak RSS MB, min-max |"
echo "|---|---|---|---|---|"
for v in $(seq $#); do
  rows=$(grep "^$v " "$work/runs")
  printf '| `%s` | %s | %s | %s | %s-%s |\n' "${!v}" "$(awk '{print $2}' <<<"$rows" | median)" "$(awk '{print $3}' <<<"$rows" | median)" \
    "$(awk '{print $4}' <<<"$rows" | median)" "$(awk '{print $4}' <<<"$rows" | sort -n | head -1)" "$(awk '{print $4}' <<<"$rows" | sort -n | tail -1)"
done
