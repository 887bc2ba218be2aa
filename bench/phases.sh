#!/usr/bin/env bash
# Where minify's time goes: for each fixture, `minify --timings` from containers-storage to
# containers-storage, once static only (--no-probe --no-verify) and once with the defaults (the
# start-up probe and the verification), with the wall time and peak RSS of the whole process
# (GNU time). Prints two Markdown tables (one per mode): the seconds of each phase, and the MB of
# the phases that read the fat image (engine save, unpack). Extra minify options may be given in
# SHRINK_BENCH_OPTS (e.g. --no-strip); SHRINK_BENCH_MODES=static measures only the first mode. Usage: bench/phases.sh [FIXTURE...] (default: the five Debian
# fixtures and the real-stack ones)
set -euo pipefail
source "$(dirname "$0")/common.sh"
fixtures=("$@")
[ ${#fixtures[@]} -gt 0 ] || fixtures=(falcon flask pygmentize numpy yaml-sqlite numpy-pandas django fastapi sqlalchemy flask-pyorg)
tag=bench$$
trap 'rm -rf "$work"; podman rmi -f $(podman images -q --filter reference="localhost/$tag/*") >/dev/null 2>&1 || true' EXIT
read -r -a extra <<<"${SHRINK_BENCH_OPTS:-}"
read -r -a modes <<<"${SHRINK_BENCH_MODES:-static default}"

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; at $(git -C "$here" rev-parse --short HEAD)"
for f in "${fixtures[@]}"; do
  image=$("$here/fixtures/build.sh" "$f" | tail -n 1)
  for mode in "${modes[@]}"; do
    opts=()
    [ "$mode" = default ] || opts=(--no-probe --no-verify)
    /usr/bin/time -f 'time: %e %M' -o "$work/$f-$mode.time" "$here/shrink" minify "containers-storage:$image" \
      "containers-storage:localhost/$tag/$f:$mode" --timings "${opts[@]}" "${extra[@]}" >"$work/$f-$mode.out" 2>"$work/$f-$mode.err" \
      || { cat "$work/$f-$mode.err" >&2; exit 1; }
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$work" "${modes[*]}" "${fixtures[@]}" <<'PY'
import re, sys
work, modes, fixtures = sys.argv[1], sys.argv[2].split(), sys.argv[3:]
phases = ["engine save", "engine mount", "unpack", "probe", "python analysis", "elf analysis", "bytecode compile", "stdlib zip", "strip",
          "layer write", "archive write", "engine load", "verify", "clean up"]
for mode, title in (("static", "--no-probe --no-verify"), ("default", "defaults (start-up probe, verify)")):
    if mode not in modes:
        continue
    print(f"\n`minify --timings {title}`: seconds per phase; wall s and peak RSS of the process\n")
    print("| fixture | fat MB | " + " | ".join(phases) + " | other | minify total | wall s | peak RSS MB |")
    print("|---" * (len(phases) + 6) + "|")
    for f in fixtures:
        err = open(f"{work}/{f}-{mode}.err").read().splitlines()
        start = max(i for i, l in enumerate(err) if re.match(r"phase +wall s +MB$", l))
        rows = {}
        for l in err[start + 1:]:
            m = re.match(r"(.+?) +(\d+\.\d+)(?: +(\S+))?$", l)
            if m:
                rows[m.group(1)] = (float(m.group(2)), m.group(3))
        total = rows.pop("total")[0]
        other = total - sum(s for s, _ in rows.values())
        wall, rss = open(f"{work}/{f}-{mode}.time").read().split()[1:3]
        cells = [f"{rows[p][0]:.2f}" if p in rows else "-" for p in phases]
        print(f"| {f} | {rows['engine save'][1]} | " + " | ".join(cells) + f" | {other:.2f} | {total:.2f} | {wall} | {int(rss) // 1024} |")
PY
