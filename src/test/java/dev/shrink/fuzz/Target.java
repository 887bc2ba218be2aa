package dev.shrink.fuzz;

import java.io.IOException;
import java.util.List;

/** A parser of untrusted bytes under fuzzing: valid seeds, tokens of its language, and the errors it documents. */
interface Target {
  String name();

  /** Valid inputs the mutations start from; each must pass unchanged. */
  List<byte[]> seeds();

  /** Fragments worth inserting (JSON punctuation, Python keywords); may be empty. */
  List<String> tokens();

  /** True for the errors the parser documents for bad input. */
  boolean allowed(Throwable t);

  /** Where inputs are tried (a scratch directory for those that need files). */
  Session open() throws Exception;

  /** Runs inputs; closing removes what it made. */
  interface Session extends AutoCloseable {
    void accept(byte[] input) throws Exception;

    @Override
    void close() throws IOException;
  }
}
