#!/usr/bin/env bash
# Issue 6's benchmark. For each fixture, in one run: the fat image (raw, gzip); the shrunk image at
# each setting below (raw and compressed, and whether `shrink verify` passes against the fat image
# with the fixture's probe); the trace-only floor (the files a traced probe run used plus the ELF
# interpreter, bytecode sourceless; gzip -6 and zstd -19); files kept, minify wall time and peak
# RSS (default setting); cold start of the fat image, the default and two more settings (11 runs
# of each, interleaved; from the container's start and from `podman run` to the first answer, or to
# the exit for a command; see images.py start); resident memory of the running app (HTTP apps: VmRSS of
# every process of the container after the first answer); HTTP apps: requests per second (ab,
# 3000 requests, 4 at a time, median of 3) fat, default and --pure-python. Prints Markdown tables.
# Usage: bench/images.sh [FIXTURE...] (default: falcon flask pygmentize yaml-sqlite numpy)
set -euo pipefail
source "$(dirname "$0")/common.sh"
fixtures=("$@")
[ ${#fixtures[@]} -gt 0 ] || fixtures=(falcon flask pygmentize yaml-sqlite numpy)
tag=bench$$
trap 'rm -rf "$work"; podman rmi -f $(podman images -q --filter reference="localhost/$tag/*") >/dev/null 2>&1 || true' EXIT

declare -A path=([falcon]=/number [flask]=/?name=bench)
declare -A ignore=([falcon]='[0-9]+') # falcon's /number answers a random number
# the settings compared: label and minify options (defaults: gzip level 6, zlib's; loose standard library; zstd level 19);
# "--stdlib-zip gzip-12" is the default before issue 17
settings=("default|" "gzip-12|--compression-level 12" "--stdlib-zip|--stdlib-zip" "--stdlib-zip gzip-12|--stdlib-zip --compression-level 12"
  "-O2|-O2" "zstd|--compression zstd"
  "zstd -O2|--compression zstd -O2" "--pure-python|--pure-python" "--pure-python zstd -O2|--pure-python --compression zstd -O2")
# the settings whose cold start is measured beside the fat image's (the default's image is $small)
started=("--stdlib-zip" "zstd -O2")
mb() { python3 -c "import sys; print(f'{int(sys.argv[1]) / 1e6:.2f}')" "$1"; }
ratio() { python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.3f}')" "$1" "$2"; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }
table_header() { # a Markdown table's header row, one column per argument, and its rule
  printf '|'; printf ' %s |' "$@"; echo
  printf '|'; printf -- '---|%.0s' "$@"; echo
}
slug() { printf %s "$1" | tr -c 'a-zA-Z0-9' '-'; } # a setting's label as a file name or tag

# MB resident of every process of a running server container after its first answer.
resident() {
  local image=$1 fixture=$2 name=$tag-rss port pid
  shift 2
  [ -n "${path[$fixture]:-}" ] || { echo "n/a"; return; }
  podman run -d --name "$name" "$@" -p 127.0.0.1::8000 "$image" >/dev/null
  port=$(podman port "$name" 8000 | sed 's/.*://')
  until curl -fs -o /dev/null "http://127.0.0.1:$port${path[$fixture]}"; do sleep 0.05; done
  pid=$(podman inspect --format '{{.State.Pid}}' "$name")
  python3 - "$pid" <<'PY'
import os, sys
children = {}
for p in filter(str.isdigit, os.listdir("/proc")):
    try:
        status = dict(l.split(":", 1) for l in open(f"/proc/{p}/status") if ":" in l)
    except OSError:
        continue
    children.setdefault(int(status["PPid"]), []).append((int(p), int(status.get("VmRSS", "0 kB").split()[0])))
total, todo = 0, [int(sys.argv[1])]
rss = {pid: kb for kids in children.values() for pid, kb in kids}
while todo:
    p = todo.pop()
    total += rss.get(p, 0)
    todo += [c for c, _ in children.get(p, [])]
print(f"{total / 1024:.1f}")
PY
  podman rm -f "$name" >/dev/null
}

probe_args() {
  if [ -n "${path[$1]:-}" ]; then echo "--probe-http 8000:${path[$1]}"; else echo "--probe-cmd="; fi
}

# Requests per second of a server image (ab, median of 3 runs of 3000 requests, 4 at a time).
throughput() {
  local image=$1 fixture=$2 name=$tag-ab port
  shift 2
  [ -n "${path[$fixture]:-}" ] || { echo "n/a"; return; }
  podman run -d --name "$name" "$@" -p 127.0.0.1::8000 "$image" >/dev/null
  port=$(podman port "$name" 8000 | sed 's/.*://')
  until curl -fs -o /dev/null "http://127.0.0.1:$port${path[$fixture]}"; do sleep 0.05; done
  for _ in 1 2 3; do
    ab -q -n 3000 -c 4 "http://127.0.0.1:$port${path[$fixture]}" | awk '/^Requests per second/ {print $4}'
  done | median
  podman rm -f "$name" >/dev/null
}

sizes_rows=()
run_rows=()
start_rows=()
rps_rows=()
for f in "${fixtures[@]}"; do
  image=$("$here/fixtures/build.sh" "$f" | tail -n 1)
  fat_raw=$(podman image inspect --format '{{.Size}}' "$image")
  "$here/shrink" copy "containers-storage:$image" "oci:$work/$f-fat:fat" >/dev/null
  read -r fat_gz _ < <(python3 "$here/bench/images.py" sizes "$work/$f-fat")

  small="localhost/$tag/$f:small"
  /usr/bin/time -f "%e %M" -o "$work/time" "$here/shrink" minify "containers-storage:$image" "containers-storage:$small" \
    --report "$work/$f.json" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
  read -r secs kb < "$work/time"
  files=$(python3 -c "import json, sys; print(json.load(open(sys.argv[1]))['after']['files'])" "$work/$f.json")
  cells=""
  for setting in "${settings[@]}"; do
    label=${setting%%|*}
    dir="$work/$f-$(slug "$label")"
    # shellcheck disable=SC2086
    "$here/shrink" minify "containers-storage:$image" "oci:$dir:small" ${setting#*|} >/dev/null 2>"$work/err" \
      || { cat "$work/err" >&2; exit 1; }
    read -r compressed raw < <(python3 "$here/bench/images.py" sizes "$dir")
    # shellcheck disable=SC2046
    if "$here/shrink" verify "containers-storage:$image" "oci:$dir:small" $(probe_args "$f") ${ignore[$f]:+--ignore-regex "${ignore[$f]}"} \
      >"$work/verify" 2>&1; then ok=yes; else ok=NO; cat "$work/verify" >&2; fi
    cells+=" $(mb "$raw") / $(mb "$compressed") $ok |"
  done
  # shellcheck disable=SC2046
  "$here/shrink" minify "containers-storage:$image" "oci:$work/$f-traced:t" --keep-sources --report "$work/$f-traced.json" \
    $(probe_args "$f") >/dev/null
  read -r floor_raw floor_gz floor_zst < <(python3 "$here/bench/images.py" floor "$work/$f-traced" "$work/$f-traced.json" "$work/$f-floor")

  # cold start, 11 runs of each image interleaved; the shrunk images --read-only, as they are meant to run
  images=("$image" "ro:$small")
  for label in "${started[@]}"; do
    "$here/shrink" copy "oci:$work/$f-$(slug "$label"):small" "containers-storage:localhost/$tag/$f:start$(slug "$label")" >/dev/null
    images+=("ro:localhost/$tag/$f:start$(slug "$label")")
  done
  mapfile -t starts < <(python3 "$here/bench/images.py" start 11 "${path[$f]:--}" "${images[@]}")
  read -r fat_app fat_run <<< "${starts[0]}"
  start_cells=" $fat_app / $fat_run |"
  for line in "${starts[@]:1}"; do
    read -r app run <<< "$line"
    start_cells+=" $app / $run ($(ratio "$app" "$fat_app") / $(ratio "$run" "$fat_run")) |"
  done
  fat_rss=$(resident "$image" "$f")
  small_rss=$(resident "$small" "$f" --read-only)
  if [ -n "${path[$f]:-}" ]; then
    "$here/shrink" minify "containers-storage:$image" "containers-storage:localhost/$tag/$f:pure" --pure-python >/dev/null 2>&1
    rps_rows+=("| $f | $(throughput "$image" "$f") | $(throughput "$small" "$f" --read-only) | $(throughput "localhost/$tag/$f:pure" "$f" --read-only) |")
  fi

  sizes_rows+=("| $f | $(mb "$fat_raw") / $(mb "$fat_gz") |$cells $(mb "$floor_raw") / $(mb "$floor_gz") / $(mb "$floor_zst") |")
  run_rows+=("| $f | $files | $secs | $((kb / 1024)) | $fat_rss | $small_rss |")
  start_rows+=("| $f |$start_cells")
done

echo "Sizes in MB (10^6 bytes), raw (uncompressed layer tars) / compressed (gzip level 6, the default, or 12 where named; or zstd level 19), and"
echo "whether shrink verify passed; floor = trace-only files + ELF interpreter, sourceless, one tar: raw / gzip-6 / zstd-19."
echo
labels=()
for setting in "${settings[@]}"; do labels+=("${setting%%|*}"); done
table_header fixture fat "${labels[@]}" floor
printf '%s\n' "${sizes_rows[@]}"
echo
echo "| fixture | files kept | minify wall s | minify peak RSS MB | app RSS fat MB | app RSS shrunk MB |"
echo "|---|---|---|---|---|---|"
printf '%s\n' "${run_rows[@]}"
echo
echo "Cold start, median of 11 interleaved runs, seconds: app (container start to first answer or exit) / run (podman run to"
echo "the same moment); in brackets the ratio to the fat image's. Shrunk images run --read-only."
echo
table_header fixture fat default "${started[@]}"
printf '%s\n' "${start_rows[@]}"
echo
echo "| fixture | requests/s fat | requests/s shrunk (default) | requests/s shrunk --pure-python |"
echo "|---|---|---|---|"
printf '%s\n' "${rps_rows[@]}"
