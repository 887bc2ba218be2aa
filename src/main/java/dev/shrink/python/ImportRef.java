package dev.shrink.python;

import java.util.List;

/**
 * One import found in Python source.
 *
 * @param kind how it was written
 * @param module the dotted module name as written, without leading dots ("" for {@code from . import x})
 * @param level number of leading dots of a relative import; 0 for absolute
 * @param names for {@link Kind#FROM}: the imported names ("*" for a star import), each of which may
 *     be a submodule; empty otherwise
 * @param line 1-based line of the statement
 * @param optional true when a failure to import is handled: inside the body of a {@code try} whose
 *     handler catches ImportError, ModuleNotFoundError, Exception, BaseException or everything,
 *     inside {@code with suppress(ImportError)}, or under {@code if TYPE_CHECKING:}
 * @param attributes empty for an import that runs whenever the code around it runs; else the import
 *     is written in a module-level {@code __getattr__} (PEP 562) under a test of its argument against
 *     these names, and runs only when code outside the module reads one of these attributes of it
 */
public record ImportRef(Kind kind, String module, int level, List<String> names, int line, boolean optional,
    List<String> attributes) {
  public enum Kind {
    /** {@code import a.b [as c]} */
    IMPORT,
    /** {@code from [.]a import x, y} */
    FROM,
    /** {@code __import__('a')}, {@code importlib.import_module('a')} with literal strings */
    DYNAMIC
  }

  public ImportRef {
    names = List.copyOf(names);
    attributes = List.copyOf(attributes);
  }

  /** True for an import a module's {@code __getattr__} runs only for some attributes (see {@link #attributes()}). */
  public boolean lazy() {
    return !attributes.isEmpty();
  }

  /** The statement as a person would write it, e.g. {@code from ..a import b, c}. */
  public String describe() {
    String target = ".".repeat(level) + module;
    return switch (kind) {
      case IMPORT -> "import " + target;
      case FROM -> "from " + target + " import " + String.join(", ", names);
      case DYNAMIC -> "import_module('" + target + "')";
    };
  }
}
