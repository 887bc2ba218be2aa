#!/usr/bin/env bash
# For each fixture: fat size, shrunk size (gzip layer, file bytes, file count), minify wall time
# and peak RSS. Prints a Markdown table. Usage: bench/minify.sh [FIXTURE...] (default: all)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
export CONTAINERS_CONF=${CONTAINERS_CONF:-$here/fixtures/containers.conf}
fixtures=("$@")
[ ${#fixtures[@]} -gt 0 ] || fixtures=(falcon flask pygmentize yaml-sqlite numpy)
"$here/shrink" --version >/dev/null   # build the jar outside the measurement
work=$(mktemp -d /tmp/shrink-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

echo "| fixture | fat (podman Size) | shrunk gzip layer | shrunk uncompressed layer | files kept | minify wall s | peak RSS MB |"
echo "|---|---|---|---|---|---|---|"
for f in "${fixtures[@]}"; do
  image=$("$here/fixtures/build.sh" "$f" | tail -n 1)
  fat=$(podman image inspect --format '{{.Size}}' "$image")
  /usr/bin/time -f "%e %M" -o "$work/time" "$here/shrink" minify "containers-storage:$image" "oci:$work/$f:small" \
    --report "$work/$f.json" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
  read -r secs kb < "$work/time"
  python3 - "$work/$f.json" "$work/$f" "$f" "$fat" "$secs" "$kb" <<'PY'
import json, os, sys
report, layout, name, fat, secs, kb = sys.argv[1:]
r = json.load(open(report))
index = json.load(open(os.path.join(layout, "index.json")))
manifest = json.load(open(os.path.join(layout, "blobs/sha256", index["manifests"][-1]["digest"].split(":")[1])))
config = json.load(open(os.path.join(layout, "blobs/sha256", manifest["config"]["digest"].split(":")[1])))
layer = manifest["layers"][0]
import gzip, hashlib
raw = 0
with gzip.open(os.path.join(layout, "blobs/sha256", layer["digest"].split(":")[1])) as g:
    while True:
        b = g.read(1 << 20)
        if not b: break
        raw += len(b)
mb = lambda n: f"{int(n) / 1e6:.1f} MB"
print(f"| {name} | {mb(fat)} | {mb(layer['size'])} | {mb(raw)} | {r['after']['files']} | {secs} | {int(kb) // 1024} |")
PY
done
