#!/usr/bin/env bash
# Issue 6's benchmark. For each fixture, in one run: the fat image (raw, gzip); the shrunk image
# (raw, gzip 6, zstd 19) at -O0 and -O2 and the files kept by default; the trace-only floor (the files a traced probe run used plus
# the ELF interpreter, bytecode sourceless; gzip -6 and zstd -19); minify wall time and peak RSS;
# cold start (podman run until the first answer, or until exit for a command) fat vs shrunk,
# median of 5; resident memory of the running app (HTTP apps: VmRSS of every process of the
# container after the first answer). Prints Markdown tables.
# Usage: bench/images.sh [FIXTURE...] (default: falcon flask pygmentize yaml-sqlite numpy)
set -euo pipefail
source "$(dirname "$0")/common.sh"
fixtures=("$@")
[ ${#fixtures[@]} -gt 0 ] || fixtures=(falcon flask pygmentize yaml-sqlite numpy)
tag=bench$$
trap 'rm -rf "$work"; podman rmi -f $(podman images -q --filter reference="localhost/$tag/*") >/dev/null 2>&1 || true' EXIT

declare -A path=([falcon]=/number [flask]=/?name=bench)
mb() { python3 -c "import sys; print(f'{int(sys.argv[1]) / 1e6:.2f}')" "$1"; }
ratio() { python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.3f}')" "$1" "$2"; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }
now() { date +%s.%N; }

# Seconds from `podman run` to the first HTTP 200 (server) or to the exit (command).
start_once() {
  local image=$1 fixture=$2 t0 t1 name=$tag-start
  shift 2
  t0=$(now)
  if [ -n "${path[$fixture]:-}" ]; then
    podman run -d --name "$name" "$@" -p 127.0.0.1::8000 "$image" >/dev/null
    local port
    port=$(podman port "$name" 8000 | sed 's/.*://')
    until curl -fs -o /dev/null "http://127.0.0.1:$port${path[$fixture]}"; do sleep 0.02; done
    t1=$(now)
    podman rm -f "$name" >/dev/null
  else
    podman run --rm "$@" "$image" >/dev/null
    t1=$(now)
  fi
  python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.3f}')" "$t0" "$t1"
}

cold_start() {
  for _ in 1 2 3 4 5; do start_once "$@"; done | median
}

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

sizes_rows=()
run_rows=()
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
  declare -A size=()
  for opt in 0 2; do
    for c in gzip zstd; do
      level=$([ "$c" = zstd ] && echo 19 || echo 6)
      "$here/shrink" minify "containers-storage:$image" "oci:$work/$f-$c-O$opt:small" --compression "$c" --compression-level "$level" \
        --optimize "$opt" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
      read -r size[$c$opt] size[raw$opt] < <(python3 "$here/bench/images.py" sizes "$work/$f-$c-O$opt")
    done
  done
  # shellcheck disable=SC2046
  "$here/shrink" minify "containers-storage:$image" "oci:$work/$f-traced:t" --keep-sources --report "$work/$f-traced.json" \
    $(probe_args "$f") >/dev/null
  read -r floor_raw floor_gz floor_zst < <(python3 "$here/bench/images.py" floor "$work/$f-traced" "$work/$f-traced.json" "$work/$f-floor")

  fat_start=$(cold_start "$image" "$f")
  small_start=$(cold_start "$small" "$f" --read-only)
  fat_rss=$(resident "$image" "$f")
  small_rss=$(resident "$small" "$f" --read-only)

  sizes_rows+=("| $f | $(mb "$fat_raw") | $(mb "$fat_gz") | $(mb "${size[raw0]}") | $(mb "${size[gzip0]}") | $(mb "${size[zstd0]}") | $(mb "${size[raw2]}") | $(mb "${size[gzip2]}") | $(mb "${size[zstd2]}") | $(mb "$floor_raw") | $(mb "$floor_gz") | $(mb "$floor_zst") | $(ratio "${size[gzip0]}" "$fat_gz") |")
  run_rows+=("| $f | $files | $secs | $((kb / 1024)) | $fat_start | $small_start | $(ratio "$small_start" "$fat_start") | $fat_rss | $small_rss |")
done

echo "Sizes in MB (10^6 bytes). raw = uncompressed layer tars; gzip level 6 (the default), zstd level 19 (--compression zstd"
echo "--compression-level 19); floor = trace-only files + ELF interpreter, sourceless, one tar."
echo
echo "| fixture | fat raw | fat gzip | -O0 raw | -O0 gzip | -O0 zstd | -O2 raw | -O2 gzip | -O2 zstd | floor raw | floor gzip | floor zstd-19 | gzip shrunk/fat |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${sizes_rows[@]}"
echo
echo "| fixture | files kept | minify wall s | minify peak RSS MB | cold start fat s (median of 5) | cold start shrunk s | shrunk/fat | app RSS fat MB | app RSS shrunk MB |"
echo "|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${run_rows[@]}"
