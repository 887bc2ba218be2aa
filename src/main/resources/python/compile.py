# shrink's bytecode compiler, run by the image's own interpreter (python -I compile.py JOBS LEVEL).
# JOBS holds NUL-separated triples: source to read, path tracebacks name (the image's), .pyc to write.
# Output pycs are unchecked-hash (PEP 552) where the interpreter has them: a sourceless pyc is never
# checked against a source, and a hash of the source keeps the header the same across rebuilds.
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
