#!/usr/bin/env python3
"""Sizes of images in OCI layouts written by shrink, and the trace-only floor.

  images.py sizes LAYOUT            -> "compressed raw" (bytes): the layer blobs as stored, and
                                       their uncompressed tars
  images.py floor LAYOUT REPORT OUT -> writes OUT.tar with only the files a traced run used (plus
                                       the ELF interpreter and the directories above them), from the
                                       image in LAYOUT (minified with --keep-sources), bytecode made
                                       sourceless (__pycache__/m.TAG.pyc -> m.pyc, no m.py), and
                                       prints "raw gzip zstd" of it

Used by bench/images.sh; Debian's python3 only (zstd through the zstd command).
"""
import gzip
import json
import os
import re
import subprocess
import sys
import tarfile


def manifest(layout):
    with open(os.path.join(layout, "index.json")) as f:
        index = json.load(f)
    return json.load(open(blob(layout, index["manifests"][-1]["digest"])))


def blob(layout, digest):
    return os.path.join(layout, "blobs", *digest.split(":"))


def layer_stream(layout, layer):
    path = blob(layout, layer["digest"])
    if layer["mediaType"].endswith("+zstd"):
        return subprocess.Popen(["zstd", "-dc", path], stdout=subprocess.PIPE).stdout
    return gzip.open(path)


def sizes(layout):
    compressed = raw = 0
    for layer in manifest(layout)["layers"]:
        compressed += layer["size"]
        with layer_stream(layout, layer) as s:
            while True:
                b = s.read(1 << 20)
                if not b:
                    break
                raw += len(b)
    print(compressed, raw)


def traced(report):
    """Paths a traced run used, and the ELF interpreter (the kernel maps it without a syscall)."""
    keep = set()
    for f in json.load(open(report))["files"]:
        for r in f["reasons"]:
            if r["analyser"] == "probe" or r["reason"].startswith("PT_INTERP"):
                keep.add(f["path"].lstrip("/"))
    return keep


CACHED = re.compile(r"(.*)/__pycache__/([^/.]+)\.cpython-\d+\.pyc")


def floor(layout, report, out):
    keep = traced(report)
    sourceless = {}
    for p in keep:
        m = CACHED.fullmatch(p)
        if m:
            sourceless[p] = m.group(1) + "/" + m.group(2) + ".pyc"
    dropped = {p[:-1] for p in sourceless.values()}
    parents = {os.path.dirname(p) for p in keep}
    while any(os.path.dirname(p) not in parents for p in parents if p):
        parents |= {os.path.dirname(p) for p in parents}
    with tarfile.open(out + ".tar", "w", format=tarfile.PAX_FORMAT) as dst:
        for layer in manifest(layout)["layers"]:
            with tarfile.open(fileobj=layer_stream(layout, layer), mode="r|") as src:
                for m in src:
                    name = re.sub(r"^(\./|/)+", "", m.name).rstrip("/")
                    if name in dropped:
                        continue
                    if name in sourceless:
                        m.name = sourceless[name]
                    if name in keep or (m.isdir() and name in parents):
                        dst.addfile(m, src.extractfile(m) if m.isfile() else None)
    raw = os.path.getsize(out + ".tar")
    with open(out + ".tar", "rb") as f, gzip.open(out + ".tar.gz", "wb", 6) as g:
        g.write(f.read())
    subprocess.run(["zstd", "-q", "-f", "-19", out + ".tar", "-o", out + ".tar.zst"], check=True)
    print(raw, os.path.getsize(out + ".tar.gz"), os.path.getsize(out + ".tar.zst"))


if __name__ == "__main__":
    {"sizes": sizes, "floor": floor}[sys.argv[1]](*sys.argv[2:])
