package dev.shrink.python;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shrink.python.ImportRef.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImportScannerTest {
  private static List<String> described(String src) {
    return ImportScanner.scan(src).stream().map(r -> r.describe() + (r.optional() ? " ?" : "") + " @" + r.line()).toList();
  }

  @Test
  void plainImportsWithAliasesAndDots() {
    assertThat(described("import a.b as c, d\nimport os.path\n"))
        .containsExactly("import a.b @1", "import d @1", "import os.path @2");
  }

  @Test
  void fromImportsRelativeParenthesisedAndStar() {
    String src = """
        from . import x
        from ..pkg.mod import (a,
            b as bb,   # comment
        )
        from x import *
        from ... import up
        from .sub import y
        """;
    List<ImportRef> refs = ImportScanner.scan(src);
    assertThat(refs).extracting(ImportRef::describe).containsExactly(
        "from . import x", "from ..pkg.mod import a, b", "from x import *", "from ... import up",
        "from .sub import y");
    assertThat(refs.get(1).level()).isEqualTo(2);
    assertThat(refs.get(1).module()).isEqualTo("pkg.mod");
    assertThat(refs.get(1).names()).containsExactly("a", "b");
    assertThat(refs.get(1).line()).isEqualTo(2);
    assertThat(refs.get(3).level()).isEqualTo(3);
    assertThat(refs.get(0).module()).isEmpty();
    assertThat(refs).allMatch(r -> r.kind() == Kind.FROM && !r.optional());
  }

  @Test
  void stringsCommentsAndDocstringsAreNotImports() {
    String src = """
        '''Module docstring.
        import notme1
        from notme2 import x
        '''
        s = "import notme3"
        t = 'from notme4 import y'  # import notme5
        u = r'\\\\' ; import real1
        v = b"import notme6"
        w = f"{'import notme7'}"
        x = f"{"import notme8"}"
        y = f'{a:>{width}} import notme9 {b!r}'
        z = rf"\\{x} {'{'} import notme10"
        # from notme11 import z
        q = \"\"\"
        import notme12 \\\"\"\" still inside
        \"\"\"
        def f():
            \"\"\"import notme13\"\"\"
            import real2
        n = 1 if x else 2; import real3
        longs = ("import notme14"
                 "from notme15 import a")
        cont = 1 + \\
            2; import real4
        """;
    assertThat(described(src)).containsExactly("import real1 @7", "import real2 @19", "import real3 @20",
        "import real4 @24");
  }

  @Test
  void tryExceptMakesOptional() {
    String src = """
        try:
            import fast
            from fast import speedups
        except ImportError:
            import slow
        try:
            import a
        except (ValueError, ModuleNotFoundError) as e:
            pass
        try:
            import b
        except KeyError:
            pass
        try:
            import c
        except:
            pass
        try:
            import d
        finally:
            pass
        try: import e
        except Exception: pass
        try:
            try:
                import nested
            except KeyError:
                pass
        except ImportError:
            pass
        import after
        """;
    assertThat(described(src)).containsExactly(
        "import fast ? @2", "from fast import speedups ? @3", "import slow @5", "import a ? @7", "import b @11",
        "import c ? @15", "import d @19", "import e ? @22", "import nested ? @26", "import after @31");
  }

  @Test
  void importsInFunctionsAndTypeCheckingBlocks() {
    String src = """
        from typing import TYPE_CHECKING
        import typing
        if TYPE_CHECKING:
            from heavy import Thing
        else:
            import light
        if typing.TYPE_CHECKING: import heavy2
        def load():
            import lazy
            if True:
                from pkg import deep
        class K:
            import in_class
        try:
            def later():
                import unprotected
        except ImportError:
            pass
        with contextlib.suppress(ImportError):
            import maybe
        """;
    assertThat(described(src)).containsExactly(
        "from typing import TYPE_CHECKING @1", "import typing @2", "from heavy import Thing ? @4", "import light @6",
        "import heavy2 ? @7", "import lazy @9", "from pkg import deep @11", "import in_class @13",
        "import unprotected @16", "import maybe ? @20");
  }

  @Test
  void dynamicImportsWithLiteralsOnly() {
    String src = """
        import importlib
        from importlib import import_module
        m1 = __import__('dyn.one')
        m2 = importlib.import_module("dyn.two")
        m3 = import_module('.three', 'pkg.sub')
        m4 = import_module('..four', package='pkg.sub')
        m5 = import_module('.five', package=__name__)
        m6 = import_module(name)
        m7 = __import__(f"dyn.{x}")
        m8 = importlib.import_module('dyn.' 'eight')
        def import_module(x): pass
        obj.import_module('not.this')
        try:
            m9 = importlib.import_module('dyn.nine')
        except ImportError:
            m9 = None
        """;
    List<ImportRef> refs = ImportScanner.scan(src).stream().filter(r -> r.kind() == Kind.DYNAMIC).toList();
    assertThat(refs).extracting(r -> ".".repeat(r.level()) + r.module() + (r.optional() ? "?" : ""))
        .containsExactly("dyn.one", "dyn.two", "pkg.sub.three", "pkg.four", ".five", "dyn.eight", "dyn.nine?");
  }

  @Test
  void indentationWithTabsAndBlankLinesKeepsBlocks() {
    String src = "try:\n\timport a\n\n    # comment at odd indent\n\timport b\nexcept ImportError:\n\tpass\nimport c\n";
    assertThat(described(src)).containsExactly("import a ? @2", "import b ? @5", "import c @8");
  }

  @Test
  void keywordsInOtherPositionsAreNotImports() {
    String src = """
        def f():
            yield from gen()
            raise X from err
        x = {'import': 1, 'from': 2}
        print(x.importer, importlib.util)
        """;
    assertThat(ImportScanner.scan(src)).isEmpty();
  }

  @Test
  void conditionsNeverTrueOnLinuxAndMainBlocks() {
    String src = """
        import sys, os
        _mswindows = (sys.platform == "win32")
        if sys.platform == 'win32':
            import winonly1
        elif sys.platform == "darwin":
            import maconly
        else:
            import linux_ok
        if os.name == 'nt' and fast:
            import winonly2
        if sys.platform.startswith(('win', 'cygwin')):
            import winonly3
        if _mswindows:
            import winonly4
        if sys.platform.startswith('linux'):
            import linux_ok2
        if sys.platform in ('linux', 'darwin'):
            import linux_ok3
        if __name__ == '__main__':
            import main_only
        """;
    assertThat(ImportScanner.scan(src, false)).extracting(ImportRef::module)
        .containsExactly("sys", "os", "linux_ok", "linux_ok2", "linux_ok3");
    assertThat(ImportScanner.scan(src, true)).extracting(ImportRef::module)
        .containsExactly("sys", "os", "linux_ok", "linux_ok2", "linux_ok3", "main_only");
  }

  @Test
  void versionChecksWithAKnownVersion() {
    String src = """
        import sys
        PY2 = sys.version_info[0] == 2
        PY3 = sys.version_info[0] == 3
        if sys.version_info >= (3, 10):
            from importlib import metadata
        else:
            import importlib_metadata as metadata
        if sys.version_info < (3, 8):
            import old_backport
        elif sys.version_info[:2] == (3, 11):
            import exactly_311
        else:
            import newer
        if PY3:
            import py3_only
        else:
            import py2_only
        if sys.version_info >= (3, 11, 4):
            import micro_unknown
        else:
            import micro_unknown_else
        try:
            pass
        except ImportError:
            pass
        else:
            import try_else
        """;
    assertThat(ImportScanner.scan(src, true, "3.11")).extracting(ImportRef::module).containsExactly(
        "sys", "importlib", "exactly_311", "py3_only", "micro_unknown", "micro_unknown_else", "try_else");
    assertThat(ImportScanner.scan(src, true, "3.9")).extracting(ImportRef::module).containsExactly(
        "sys", "importlib_metadata", "newer", "py3_only", "micro_unknown_else", "try_else");
    assertThat(ImportScanner.scan(src)).hasSize(11);
  }

  @Test
  void importsInAModuleGetattrCarryTheAttributesTheirTestNames() {
    String src = """
        import sys
        if sys.version_info >= (3, 7):
            def __getattr__(name):
                import warnings
                if name == "Heavy":
                    from .heavy import Heavy
                    return Heavy
                elif name in ("A", 'B') or "C" == name:
                    import abc_mod
                elif name.startswith("x"):
                    import prefixed
                elif name not in ("D",):
                    import inverted
                else:
                    import fallback
                if name == "Deferred":
                    def later():
                        import inner
                    return later
        class Proxy:
            def __getattr__(self, name):
                if name == "y":
                    import method_level
        def f():
            def __getattr__(name):
                if name == "z":
                    import nested_function
        """;
    assertThat(ImportScanner.scan(src)).extracting(r -> r.module() + " " + r.attributes()).containsExactly(
        "sys []", "warnings []", "heavy [Heavy]", "abc_mod [A, B, C]", "prefixed []", "inverted []", "fallback []",
        "inner []", "method_level []", "nested_function []");
    assertThat(ImportScanner.scan(src).get(2).lazy()).isTrue();
    assertThat(ImportScanner.scan(src).get(1).lazy()).isFalse();
  }

  @Test
  void mentionsAreIdentifiersAndStringPartsButNotDocstrings() {
    String src = """
        \"""Module docstring naming DocOnly.\"""
        import concurrent.futures as cf
        def f(m):
            "Function docstring naming AlsoDocOnly."
            return getattr(m, "Viaattr"), cf.ThreadPoolExecutor, "pkg.mod:Entry"  # comment Commented
        """;
    assertThat(ImportScanner.mentions(PyTokenizer.tokenize(src)))
        .contains("concurrent", "futures", "cf", "f", "m", "getattr", "Viaattr", "ThreadPoolExecutor", "pkg", "mod", "Entry")
        .doesNotContain("DocOnly", "AlsoDocOnly", "Commented", "docstring");
  }
}
