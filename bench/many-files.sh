#!/usr/bin/env bash
# Peak RSS and wall time of `unpack` and `minify --no-probe --no-verify` as the number of files in
# an image grows (issue 18: "200k files take 991 MB RSS"): the Falcon fixture alone, then with a
# layer of N more small files (10 bytes each, 1000 per directory under /data, which analysis never
# reads), built once with podman build. Each jar given is measured on each image.
# Usage: bench/many-files.sh JAR [JAR...]   (COUNTS="100000 200000" by default)
set -euo pipefail
source "$(dirname "$0")/common.sh"
image=$("$here/fixtures/build.sh" falcon | tail -n 1)

measure() { # label, command...
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
  read -r secs kb < "$work/time"
  printf '| %s | %s | %d |\n' "$label" "$secs" $((kb / 1024))
}

echo "| files added | jar | operation | wall s | peak RSS MB |"
echo "|---|---|---|---|---|"
for n in 0 ${COUNTS:-100000 200000}; do
  name=$image
  if [ "$n" != 0 ]; then
    name=localhost/shrink-bench/many-files:$n
    if ! podman image exists "$name"; then
      printf 'FROM %s\nUSER 0\nRUN ["python3", "-c", "import os\\nfor i in range(%d):\\n d = \\"/data/%%d\\" %% (i // 1000)\\n os.makedirs(d, exist_ok=True)\\n open(\\"%%s/%%d\\" %% (d, i), \\"w\\").write(\\"0123456789\\")"]\n' "$image" "$n" > "$work/Containerfile"
      podman build -q -t "$name" -f "$work/Containerfile" "$work" >/dev/null
    fi
  fi
  for jar in "$@"; do
    measure "$n | $(basename "$jar") | unpack" java -jar "$jar" unpack "containers-storage:$name" "$work/rootfs"
    rm -rf "$work/rootfs"
    measure "$n | $(basename "$jar") | minify --no-probe --no-verify" java -jar "$jar" minify --no-probe --no-verify "containers-storage:$name" "oci:$work/min:small"
    rm -rf "$work/min"
  done
done
