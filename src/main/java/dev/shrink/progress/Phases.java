package dev.shrink.progress;

/**
 * Where a command's time goes: the library opens a {@link Phase} around each long step (engine
 * save, unpack, analysis, bytecode compile, layer write and compression, engine load, push,
 * verify) and closes it after; the command line listens to show progress and a table of wall
 * times and bytes. With no listener a phase costs next to nothing. One command runs at a time,
 * so one listener serves all threads.
 */
public final class Phases {
  /** Told when phases open and close, from the thread that opens or closes them. */
  public interface Listener {
    void opened(Phase phase);

    void closed(Phase phase);
  }

  /** Work done in a phase, which may fail with {@code E}. */
  @FunctionalInterface
  public interface Work<T, E extends Exception> {
    T get() throws E;
  }

  private static volatile Listener listener;

  private Phases() {}

  /** Opens a phase whose size is not known ahead. */
  public static Phase open(String name) {
    return open(name, -1);
  }

  /** Opens a phase expecting {@code total} bytes (-1: not known). */
  public static Phase open(String name, long total) {
    Listener l = listener;
    Phase phase = new Phase(name, total, l);
    if (l != null) {
      l.opened(phase);
    }
    return phase;
  }

  /** Does {@code work} as a phase named {@code name}, and returns what it returns. */
  public static <T, E extends Exception> T time(String name, Work<T, E> work) throws E {
    Phase phase = open(name);
    try {
      T result = work.get();
      phase.done();
      return result;
    } finally {
      phase.close();
    }
  }

  /** Tells {@code value} of every phase opened from now on; null stops telling. */
  public static void listen(Listener value) {
    listener = value;
  }
}
