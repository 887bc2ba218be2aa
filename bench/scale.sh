#!/usr/bin/env bash
# How minify scales with the size of the fat image: for each fixture, `minify --timings --report`
# from containers-storage to containers-storage, once static only (--no-probe --no-verify) and once
# with the defaults (the start-up probe and the verification), with the wall time and peak RSS of
# the whole process (GNU time). Prints a Markdown table (fat and kept MB and files, seconds and peak
# RSS of each mode), then least-squares fits of wall time and peak RSS against fat bytes and against
# kept bytes (slope, intercept, R²), and the same fit for each phase of the static run: a phase whose
# R² is higher against fat bytes grows with what the image holds, not with what is kept.
# Extra minify options may be given in SHRINK_BENCH_OPTS; SHRINK_BENCH_MODES=static measures only
# the first mode. Usage: bench/scale.sh [FIXTURE...] (default: the five Debian fixtures and the
# real-stack ones, up to the ~490 MB sklearn)
set -euo pipefail
source "$(dirname "$0")/common.sh"
minify_setup falcon flask pygmentize numpy yaml-sqlite numpy-pandas django fastapi sqlalchemy flask-pyorg sklearn -- "$@"
for f in "${fixtures[@]}"; do
  for mode in "${modes[@]}"; do
    minify_fixture "$f" "$mode" --report "$work/$f-$mode.json"
    podman rmi "localhost/$tag/$f:$mode" >/dev/null
  done
  echo "$f done, load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$work" "${modes[*]}" "${fixtures[@]}" <<'PY'
import json, re, sys
work, modes, fixtures = sys.argv[1], sys.argv[2].split(), sys.argv[3:]
MB = 1e6

def run(f, mode):
    """Report sizes, (wall s, peak RSS MB) of the process, and the seconds of each phase."""
    report = json.load(open(f"{work}/{f}-{mode}.json"))
    wall, rss = open(f"{work}/{f}-{mode}.time").read().split()[1:3]
    err = open(f"{work}/{f}-{mode}.err").read().splitlines()
    start = max(i for i, l in enumerate(err) if re.match(r"phase +wall s +MB$", l))
    phases = {}
    for l in err[start + 1:]:
        m = re.match(r"(.+?) +(\d+\.\d+)(?: +\S+)?$", l)
        if m:
            phases[m.group(1)] = float(m.group(2))
    return report, float(wall), int(rss) / 1024, phases

runs = {(f, m): run(f, m) for f in fixtures for m in modes}
first = modes[0]
fat = {f: runs[f, first][0]["before"]["fileBytes"] for f in fixtures}
kept = {f: runs[f, first][0]["after"]["fileBytes"] for f in fixtures}
fat_files = {f: runs[f, first][0]["before"]["files"] for f in fixtures}
kept_files = {f: runs[f, first][0]["after"]["files"] for f in fixtures}
# Each predictor: name, values, and its unit (the x of the fits is in that unit).
predictors = (("fat bytes", {f: fat[f] / 100 / MB for f in fixtures}, "100 MB"),
              ("kept bytes", {f: kept[f] / 100 / MB for f in fixtures}, "100 MB"),
              ("fat files", {f: fat_files[f] / 1000 for f in fixtures}, "1000 files"),
              ("files kept", {f: kept_files[f] / 1000 for f in fixtures}, "1000 files"))

print("\n| fixture | fat MB | fat files | kept MB | files kept | gzip MB | "
      + " | ".join(f"{m} wall s | {m} peak RSS MB" for m in modes) + " |")
print("|---" * (6 + 2 * len(modes)) + "|")
for f in fixtures:
    r = runs[f, first][0]
    cells = [f"{runs[f, m][1]:.1f} | {runs[f, m][2]:.0f}" for m in modes]
    print(f"| {f} | {fat[f] / MB:.1f} | {r['before']['files']} | {kept[f] / MB:.1f} | {r['after']['files']} | "
          f"{r['after']['compressedLayers'] / MB:.1f} | " + " | ".join(cells) + " |")

def fit(xs, ys):
    """Least squares y = a + b x: (b, a, R²)."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    syy = sum((y - my) ** 2 for y in ys)
    b = sxy / sxx if sxx else 0.0
    r2 = sxy * sxy / (sxx * syy) if sxx and syy else 0.0
    return b, my - b * mx, r2

print("\nLeast-squares fits over the fixtures (R² = share of the variance the line explains)\n")
print("| measure | against | slope | intercept | R² |")
print("|---|---|---|---|---|")
for m in modes:
    for label, idx, unit in (("wall s", 1, "s"), ("peak RSS MB", 2, "MB")):
        ys = [runs[f, m][idx] for f in fixtures]
        for against, x, per in predictors:
            b, a, r2 = fit([x[f] for f in fixtures], ys)
            print(f"| {m} {label} | {against} | {b:.2f} {unit} per {per} | {a:.1f} {unit} | {r2:.2f} |")

names = []
for f in fixtures:
    names += [p for p in runs[f, first][3] if p not in names and p != "total"]
print(f"\nPhases of the {first} run: seconds per fixture, and each phase's fit: slope (s per 100 MB or per 1000 files) and R²\n")
print("| phase | " + " | ".join(fixtures) + " | " + " | ".join(f"{n}: slope, R²" for n, _, _ in predictors) + " |")
print("|---" * (len(fixtures) + 1 + len(predictors)) + "|")
for p in names:
    ys = [runs[f, first][3].get(p, 0.0) for f in fixtures]
    cells = []
    for _, x, _ in predictors:
        b, _, r2 = fit([x[f] for f in fixtures], ys)
        cells.append(f"{b:.2f}, {r2:.2f}")
    print(f"| {p} | " + " | ".join(f"{y:.2f}" for y in ys) + " | " + " | ".join(cells) + " |")
PY
