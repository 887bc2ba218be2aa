#!/bin/bash
# Same input, same bytes: the manifest digest of minify on the falcon and flask fixtures (two option
# sets, no probe, no engine run of SRC) and of build on examples/hello-api, as JAR (default: the
# project's) writes them. Run it with the jar of two revisions and compare the lines.
# Usage: bench/same-bytes.sh [JAR]
set -e
source "$(dirname "$0")/common.sh"
jar=${1:-$here/target/shrink.jar}
run() { cmd=$1; shift; rm -f "$work/digest"; java -jar "$jar" "$cmd" --quiet --compression-level 6 --digestfile "$work/digest" "$@" >"$work/log" 2>&1 || { cat "$work/log"; exit 1; }; cat "$work/digest"; }
for f in falcon flask; do
  "$here/fixtures/build.sh" "$f" >/dev/null
  src=containers-storage:localhost/shrink-fixture/$f:latest
  echo "$f minify --strip: $(run minify --no-probe --strip "$src" "oci:$work/$f:x")"
  echo "$f minify -O2 --pure-python --no-stdlib-zip --exclude --include: $(run minify --no-probe -O2 --pure-python --no-stdlib-zip \
    --exclude '/usr/share/**' --include /etc/debian_version "$src" "oci:$work/$f-o2:x")"
done
cd "$here"
echo "hello-api build --strip: $(run build --strip "oci:$work/hello:x" --app examples/hello-api -- /usr/bin/python3 server.py)"
