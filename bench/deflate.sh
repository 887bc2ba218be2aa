#!/usr/bin/env bash
# Sizes and wall times of gzip encoders on one file: java.util.zip level 6 and 9, shrink's
# near-optimal encoder (dev.shrink.deflate.GzipOutputStream) at each effort, and libdeflate-gzip -12
# and gzip -9 when installed (apt-get install -y libdeflate-tools). One run each: times are rough.
# Usage: bench/deflate.sh [FILE [EFFORT...]]
# Without FILE: a tar of libc, libcrypto and Python 3.11's .pyc files of this machine.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d /tmp/shrink-deflate.XXXXXX)
trap 'rm -rf "$work"' EXIT

file=${1:-}
if [[ -z $file ]]; then
  file=$work/sample.tar
  find /usr/lib/python3.11 -name '*.pyc' 2>/dev/null | sort > "$work/list"
  for f in /usr/lib/x86_64-linux-gnu/libc.so.6 /usr/lib/x86_64-linux-gnu/libcrypto.so.3; do
    [[ -r $f ]] && echo "$f" >> "$work/list"
  done
  tar -cf "$file" -P -T "$work/list" 2>/dev/null
fi
shift || true

(cd "$here" && { mvn -q -o test-compile >/dev/null 2>&1 || mvn -q test-compile; })
java -cp "$here/target/classes:$here/target/test-classes" dev.shrink.deflate.DeflateBench "$file" "$@"

timed() { # NAME COMMAND...: prints the gzip size and the wall time of COMMAND (which writes to stdout)
  local name=$1 start end size
  shift
  start=$(date +%s%N)
  size=$("$@" < "$file" | wc -c)
  end=$(date +%s%N)
  printf '%-18s %12s bytes %7.2f s\n' "$name" "$(echo "$size" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta')" \
    "$(echo "($end - $start) / 1000000000" | bc -l)"
}
if command -v libdeflate-gzip >/dev/null; then
  timed "libdeflate-gzip -12" libdeflate-gzip -12 -c
fi
if command -v gzip >/dev/null; then
  timed "gzip -9" gzip -9 -c
fi
