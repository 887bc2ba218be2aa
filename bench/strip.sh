#!/usr/bin/env bash
# What stripping ELF files by default changes: for each fixture, minify static only (--no-probe
# --no-verify, to an OCI layout) with the default (--strip) and with --no-strip: raw (uncompressed layer tars)
# and compressed bytes of the layers (MB, 10^6), how many files were stripped, the
# bytes it took out, and the largest one. Prints a Markdown table.
# Usage: bench/strip.sh [FIXTURE...] (default: the five Debian fixtures and the real-stack ones)
set -euo pipefail
source "$(dirname "$0")/common.sh"
fixtures=("$@")
[ ${#fixtures[@]} -gt 0 ] || fixtures=(falcon flask pygmentize numpy yaml-sqlite numpy-pandas django fastapi sqlalchemy flask-pyorg)
echo "| fixture | --no-strip raw / gzip MB | default (strip) raw / gzip MB | files stripped | MB taken out | largest stripped file (before -> after MB) |"
echo "|---|---|---|---|---|---|"
for f in "${fixtures[@]}"; do
  image=$("$here/fixtures/build.sh" "$f" | tail -n 1)
  for mode in strip no-strip; do
    opts=(--no-probe --no-verify --quiet --report "$work/$f-$mode.json")
    [ "$mode" = strip ] || opts+=(--no-strip)
    "$here/shrink" minify "containers-storage:$image" "oci:$work/$f-$mode:small" "${opts[@]}" >/dev/null 2>"$work/$f-$mode.err" \
      || { cat "$work/$f-$mode.err" >&2; exit 1; }
  done
  python3 - "$f" "$work/$f-no-strip.json" "$work/$f-strip.json" <<'PY'
import json, sys
name, kept, stripped = sys.argv[1], json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
mb = lambda b: f"{b / 1e6:.2f}"
sizes = lambda r: f"{mb(r['after']['uncompressedLayers'])} / {mb(r['after']['compressedLayers'])}"
files = [f for f in stripped["files"] if "strippedFrom" in f]
out = sum(f["strippedFrom"] - f["size"] for f in files)
big = max(files, key=lambda f: f["strippedFrom"] - f["size"], default=None)
largest = f"{big['path']} ({mb(big['strippedFrom'])} -> {mb(big['size'])})" if big else "-"
print(f"| {name} | {sizes(kept)} | {sizes(stripped)} | {len(files)} | {mb(out)} | {largest} |")
PY
done
