# Sourced by the bench scripts: $here (the project), podman's config, the jar built before anything
# is measured, and $work, a scratch directory removed on exit.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export CONTAINERS_CONF=${CONTAINERS_CONF:-$here/fixtures/containers.conf}
"$here/shrink" --version >/dev/null
work=$(mktemp -d /tmp/shrink-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
