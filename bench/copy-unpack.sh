#!/usr/bin/env bash
# Wall time, CPU time (user + system, children included) and peak memory (max RSS) of shrink copy
# and shrink unpack on a fixture image, beside skopeo copy and umoci unpack of the same image in the
# same run. Prints a Markdown table.
# Usage: bench/copy-unpack.sh [FIXTURE]   (default falcon; needs root, podman, skopeo, umoci)
set -euo pipefail
source "$(dirname "$0")/common.sh"
fixture=${1:-falcon}
image=$("$here/fixtures/build.sh" "$fixture" | tail -n 1)

measure() { # name, command...
  local name=$1; shift
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
  read -r secs user sys kb < "$work/time"
  printf '| %s | %s | %s | %d |\n' "$name" "$secs" "$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')" $((kb / 1024))
}

echo "fixture: $image ($(podman image inspect --format '{{.Size}}' "$image") bytes)"
echo
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| operation | wall s | CPU s | peak RSS MB |"
echo "|---|---|---|---|"
measure "podman save (docker-archive; what a containers-storage read falls back to)" podman save --format docker-archive -o "$work/saved.tar" "$image"
measure "shrink copy containers-storage: -> oci: (gzip)" "$here/shrink" copy "containers-storage:$image" "oci:$work/shrink-oci:latest"
measure "skopeo copy containers-storage: -> oci: (gzip)" skopeo copy -q "containers-storage:$image" "oci:$work/skopeo-oci:latest"
measure "shrink copy docker-archive: -> oci-archive:" "$here/shrink" copy "docker-archive:$work/saved.tar" "oci-archive:$work/shrink.tar:latest"
measure "skopeo copy docker-archive: -> oci-archive:" skopeo copy -q "docker-archive:$work/saved.tar" "oci-archive:$work/skopeo.tar:latest"
measure "shrink unpack oci: -> dir" "$here/shrink" unpack "oci:$work/shrink-oci:latest" "$work/shrink-rootfs"
measure "umoci unpack --rootless oci: -> dir" umoci unpack --rootless --image "$work/skopeo-oci:latest" "$work/umoci-bundle"
