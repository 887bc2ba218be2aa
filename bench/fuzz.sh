#!/usr/bin/env bash
# Fuzzes the parsers of untrusted bytes (layer tars, image JSON, ELF, Python source) with seeded
# random mutations of valid inputs (src/test/java/dev/shrink/fuzz): no crash, no hang, no error
# but the documented ones. Prints execution counts; saves each finding's input in fuzz-findings/.
# Usage: bench/fuzz.sh [SECONDS [SEED [TARGET...]]]   (default 600 s each, seed 18, all targets:
# layer image-json elf python, one after another)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
(cd "$here" && { mvn -q -o -DskipTests package >/dev/null 2>&1 || mvn -q -DskipTests package; })
java -cp "$here/target/classes:$here/target/test-classes:$here/target/shrink.jar" dev.shrink.fuzz.FuzzMain "${1:-600}" "${2:-18}" "${@:3}"
