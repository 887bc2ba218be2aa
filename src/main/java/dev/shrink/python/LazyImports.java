package dev.shrink.python;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The imports a module-level {@code __getattr__} (PEP 562) runs only for named attributes, like
 * {@code concurrent.futures} importing {@code .process} (and with it multiprocessing) only when
 * {@code ProcessPoolExecutor} is read. Such an import is due once code outside its module could
 * read one of its attributes: a scanned module names it (an identifier, or part of a string), a
 * star import takes the module's names, or a kept file whose code is not scanned (an extension
 * module or sourceless bytecode without source, the interpreter) holds the name's bytes.
 */
final class LazyImports {
  /** A lazy import and where it is written. */
  record Pending(PyModule importer, String file, ImportRef ref) {}

  /** Reads a file of the image; null when it cannot be read. */
  interface Reader {
    byte[] read(String path);
  }

  private final Reader reader;
  private final List<Pending> pending = new ArrayList<>();
  private final Map<String, Set<String>> namedBy = new HashMap<>();
  private final Set<String> starImported = new HashSet<>();
  private final Set<String> opaque = new LinkedHashSet<>();
  private final Map<String, Set<String>> searched = new HashMap<>();
  private final Set<String> inOpaqueCode = new HashSet<>();

  LazyImports(Reader reader) {
    this.reader = reader;
  }

  void defer(PyModule importer, String file, ImportRef ref) {
    pending.add(new Pending(importer, file, ref));
  }

  /** The names {@code module}'s scanned code could read attributes by ({@link ImportScanner#mentions}). */
  void mentioned(String module, Set<String> names) {
    for (String n : names) {
      namedBy.computeIfAbsent(n, k -> new HashSet<>()).add(module);
    }
  }

  /** {@code from module import *}: every name in the module's {@code __all__} is read. */
  void starImported(String module) {
    starImported.add(module);
  }

  /** A kept file whose code is not scanned: its bytes are searched for the attribute names. */
  void opaque(String file) {
    opaque.add(file);
  }

  /** The pending imports due now, taken off the pending list. */
  List<Pending> due() {
    List<Pending> due = new ArrayList<>();
    for (Iterator<Pending> it = pending.iterator(); it.hasNext();) {
      Pending p = it.next();
      if (isDue(p)) {
        due.add(p);
        it.remove();
      }
    }
    return due;
  }

  /** The imports never due. */
  List<Pending> pending() {
    return List.copyOf(pending);
  }

  private boolean isDue(Pending p) {
    String module = p.importer().name();
    if (starImported.contains(module)) {
      return true;
    }
    for (String attribute : p.ref().attributes()) {
      if (namedBy.getOrDefault(attribute, Set.of()).stream().anyMatch(m -> !m.equals(module))) {
        return true;
      }
    }
    searchOpaque();
    return p.ref().attributes().stream().anyMatch(inOpaqueCode::contains);
  }

  /** Searches each opaque file (read once per call) for the pending names it was not searched for yet. */
  private void searchOpaque() {
    Set<String> wanted = new HashSet<>();
    pending.forEach(p -> wanted.addAll(p.ref().attributes()));
    wanted.removeAll(inOpaqueCode);
    for (String file : opaque) {
      Set<String> done = searched.computeIfAbsent(file, f -> new HashSet<>());
      List<String> todo = wanted.stream().filter(w -> !done.contains(w)).toList();
      if (todo.isEmpty()) {
        continue;
      }
      byte[] bytes = reader.read(file);
      for (String name : todo) {
        done.add(name);
        if (bytes == null || contains(bytes, name.getBytes(StandardCharsets.UTF_8))) {
          inOpaqueCode.add(name); // an unreadable file might name it too
        }
      }
    }
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int k = 0; k < needle.length; k++) {
        if (haystack[i + k] != needle[k]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
