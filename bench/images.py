#!/usr/bin/env python3
"""Sizes of images in OCI layouts written by shrink, and the trace-only floor.

  images.py sizes LAYOUT            -> "compressed raw" (bytes): the layer blobs as stored, and
                                       their uncompressed tars
  images.py floor LAYOUT REPORT OUT -> writes OUT.tar with only the files a traced run used (plus
                                       the ELF interpreter and the directories above them), from the
                                       image in LAYOUT (minified with --keep-sources), bytecode made
                                       sourceless (__pycache__/m.TAG.pyc -> m.pyc, no m.py), and
                                       prints "raw gzip zstd" of it
  images.py start N PATH IMAGE...   -> cold start of each image, N runs each, interleaved (image 1,
                                       2, ..., 1, 2, ...) so that the machine's drift hits all alike;
                                       an image written "ro:NAME" runs with --read-only. PATH is the
                                       HTTP path to ask port 8000 for ("-" for a command). Prints per
                                       image "app run" medians in seconds: app = from the container's
                                       own start (podman's State.StartedAt) to the first HTTP 200, or
                                       to its exit (FinishedAt) for a command; run = from `podman run`
                                       to the same moment, the engine's own work included

Used by bench/images.sh; Debian's python3 only (zstd through the zstd command).
"""
import gzip
import json
import os
import re
import statistics
import subprocess
import sys
import tarfile
import time
import urllib.request


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


def podman(*args):
    return subprocess.run(["podman", *args], check=True, capture_output=True, text=True).stdout.strip()


def start_once(image, path):
    """(app, run) seconds of one cold start of IMAGE (see the module's doc)."""
    read_only = image.startswith("ro:")
    name = f"bench-start-{os.getpid()}"
    flags = ["--read-only"] if read_only else []
    image = image.removeprefix("ro:")
    t0 = time.time()
    if path == "-":
        podman("run", "--name", name, *flags, image)
        t1 = None
    else:
        podman("run", "-d", "--name", name, *flags, "-p", "127.0.0.1::8000", image)
        port = podman("port", name, "8000").rsplit(":", 1)[1]
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as r:
                    r.read()
                break
            except OSError:
                time.sleep(0.005)
        t1 = time.time()
    started, finished = podman("inspect", "--format", "{{.State.StartedAt.UnixNano}} {{.State.FinishedAt.UnixNano}}", name).split()
    podman("rm", "-f", "-t", "0", name)
    if t1 is None:  # a command: its own lifetime, and podman run's return
        return (int(finished) - int(started)) / 1e9, time.time() - t0
    return t1 - int(started) / 1e9, t1 - t0


def start(n, path, *images):
    runs = {image: [] for image in images}
    for _ in range(int(n)):
        for image in images:
            runs[image].append(start_once(image, path))
    for image in images:
        print(f"{statistics.median(a for a, _ in runs[image]):.3f} {statistics.median(r for _, r in runs[image]):.3f}")


if __name__ == "__main__":
    {"sizes": sizes, "floor": floor, "start": start}[sys.argv[1]](*sys.argv[2:])
