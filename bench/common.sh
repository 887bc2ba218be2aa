# Sourced by the bench scripts: $here (the project), podman's config, the jar built before anything
# is measured, and $work, a scratch directory removed on exit.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export CONTAINERS_CONF=${CONTAINERS_CONF:-$here/fixtures/containers.conf}
"$here/shrink" --version >/dev/null
work=$(mktemp -d /tmp/shrink-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

# For the minify benches (phases.sh, scale.sh): minify_setup DEFAULT_FIXTURES -- [FIXTURE...] sets
# `fixtures` (those given, else the defaults), `extra` (SHRINK_BENCH_OPTS), `modes` (SHRINK_BENCH_MODES,
# default "static default") and `tag`, whose images are removed on exit, and prints the load average.
minify_setup() {
  local defaults=()
  while [ "$1" != -- ]; do defaults+=("$1"); shift; done
  shift
  fixtures=("$@")
  [ ${#fixtures[@]} -gt 0 ] || fixtures=("${defaults[@]}")
  tag=bench$$
  trap 'rm -rf "$work"; podman rmi -f $(podman images -q --filter reference="localhost/$tag/*") >/dev/null 2>&1 || true' EXIT
  read -r -a extra <<<"${SHRINK_BENCH_OPTS:-}"
  read -r -a modes <<<"${SHRINK_BENCH_MODES:-static default}"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; at $(git -C "$here" rev-parse --short HEAD)"
}

# minify_fixture FIXTURE MODE [OPTION...]: `minify --timings` of the fixture's image from containers-storage
# into localhost/$tag/FIXTURE:MODE, static (--no-probe --no-verify) unless MODE is `default`, with
# SHRINK_BENCH_OPTS and OPTIONs; GNU time's wall s and peak RSS KB in $work/FIXTURE-MODE.time, the
# output in .out and .err. SHRINK_BENCH_CMD runs another shrink (e.g. "java -jar OLD.jar"; default: the
# launcher).
minify_fixture() {
  local f=$1 mode=$2 image opts=()
  shift 2
  image=$("$here/fixtures/build.sh" "$f" | tail -n 1)
  [ "$mode" = default ] || opts=(--no-probe --no-verify)
  read -r -a shrink_cmd <<<"${SHRINK_BENCH_CMD:-$here/shrink}"
  /usr/bin/time -f 'time: %e %M' -o "$work/$f-$mode.time" "${shrink_cmd[@]}" minify "containers-storage:$image" \
    "containers-storage:localhost/$tag/$f:$mode" --timings "${opts[@]}" "${extra[@]}" "$@" \
    >"$work/$f-$mode.out" 2>"$work/$f-$mode.err" || { cat "$work/$f-$mode.err" >&2; exit 1; }
}
