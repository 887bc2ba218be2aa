/**
 * Static analysis of a Python program inside an unpacked image. {@link dev.shrink.python.PythonAnalysis}
 * is the entry point: from an interpreter and its command line (read by
 * {@link dev.shrink.python.PythonCommandLine}) to the files the run needs.
 * {@link dev.shrink.python.PythonLayout} computes sys.path like CPython's getpath and site,
 * {@link dev.shrink.python.ImportScanner} reads imports from source,
 * {@link dev.shrink.python.ModuleFinder} resolves module names to files, and
 * {@link dev.shrink.python.PythonClosure} follows everything from a {@link dev.shrink.python.Launch}
 * to a list of {@link dev.shrink.closure.Requirement}s, helped by {@link dev.shrink.python.Knowledge}
 * (JSON under {@code knowledge/python/}), the installed distributions' metadata, package data and
 * codecs. No Python is run.
 *
 * <p>The host tests use Debian bookworm's {@code python3} (3.11) with the packages
 * {@code python3-yaml gunicorn python3-venv} installed.
 */
package dev.shrink.python;
