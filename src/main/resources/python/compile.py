# shrink's bytecode compiler, run by the image's own interpreter (python -I compile.py JOBS LEVEL).
# JOBS holds NUL-separated triples: source to read, path tracebacks name (the image's), .pyc to write.
# Writes "on" to the file "frozen" beside JOBS when this interpreter imports its frozen standard
# library modules (3.11+) from its executable: os, imported at start-up, then says "frozen".
# Output pycs are unchecked-hash (PEP 552) where the interpreter has them: a sourceless pyc is never
# checked against a source, and a hash of the source keeps the header the same across rebuilds.
import os
import py_compile
import sys

jobs_file, level = sys.argv[1], int(sys.argv[2])
with open(jobs_file, "rb") as f:
    fields = f.read().decode("utf-8", "surrogateescape").split("\0")[:-1]
mode = getattr(py_compile, "PycInvalidationMode", None)
extra = {"invalidation_mode": mode.UNCHECKED_HASH} if mode else {}
for i in range(0, len(fields), 3):
    source, dfile, cfile = fields[i:i + 3]
    try:
        py_compile.compile(source, cfile=cfile, dfile=dfile, doraise=True, optimize=level, **extra)
    except Exception as e:
        print(dfile + ": " + str(e).strip().replace("\n", " "), file=sys.stderr)

with open(os.path.join(os.path.dirname(jobs_file), "frozen"), "w") as f:
    f.write("on" if getattr(getattr(os, "__spec__", None), "origin", None) == "frozen" else "off")
