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
minify_setup falcon flask pygmentize numpy yaml-sqlite numpy-pandas django fastapi sqlalchemy flask-pyorg -- "$@"
for f in "${fixtures[@]}"; do
  for mode in "${modes[@]}"; do
    minify_fixture "$f" "$mode"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$work" "${modes[*]}" "${fixtures[@]}" <<'PY'
import re, sys
work, modes, fixtures = sys.argv[1], sys.argv[2].split(), sys.argv[3:]
phases = ["engine save", "store read", "engine mount", "unpack", "probe", "python analysis", "elf analysis", "bytecode compile", "stdlib zip", "strip",
          "layer write", "archive write", "engine load", "verify", "clean up"]
for mode, title in (("static", "--no-probe --no-verify"), ("default", "defaults (start-up probe, verify)")):
    if mode not in modes:
        continue
    print(f"\n`minify --timings {title}`: seconds per phase; wall s and peak RSS of the process\n")
    print("| fixture | fat MB | " + " | ".join(phases) + " | other | minify total | wall s | peak RSS MB |")
    print("|---" * (len(phases) + 6) + "|")
    for f in fixtures:
        err = open(f"{work}/{f}-{mode}.err").read().splitlines()
        out = open(f"{work}/{f}-{mode}.out").read().splitlines()
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
        fat = next(m.group(1) for l in out + err if (m := re.match(r"before +([0-9.]+) MB", l)))
        print(f"| {f} | {fat} | " + " | ".join(cells) + f" | {other:.2f} | {total:.2f} | {wall} | {int(rss) // 1024} |")
PY
