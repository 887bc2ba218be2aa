package dev.shrink.fuzz;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one {@link Target} on mutated inputs for a while: an input that makes it throw anything but
 * its documented errors, or take longer than the per-input timeout, is a finding.
 */
final class Fuzzer {
  /** An input and what went wrong with it. */
  record Finding(byte[] input, String problem) {}

  /** How a run went. */
  record Result(String target, long executions, List<Finding> findings) {}

  private Fuzzer() {}

  static Result run(Target target, long seed, Duration budget, Duration perInput) throws Exception {
    Mutator mutator = new Mutator(seed, target.seeds(), target.tokens());
    List<Finding> findings = new ArrayList<>();
    long executions = 0;
    long end = System.nanoTime() + budget.toNanos();
    ExecutorService worker = Executors.newSingleThreadExecutor(Fuzzer::daemon);
    try (Target.Session session = target.open()) {
      for (byte[] seedInput : target.seeds()) {
        check(worker, session, seedInput, perInput, target, findings); // every seed must pass as is
      }
      while (System.nanoTime() < end && findings.size() < 10) {
        byte[] input = mutator.next();
        executions++;
        if (!check(worker, session, input, perInput, target, findings)) {
          worker.shutdownNow(); // the stuck thread is left behind (a daemon); a fresh one goes on
          worker = Executors.newSingleThreadExecutor(Fuzzer::daemon);
        }
      }
    } finally {
      worker.shutdownNow();
    }
    return new Result(target.name(), executions, findings);
  }

  /** False when the input hung. */
  private static boolean check(ExecutorService worker, Target.Session session, byte[] input, Duration perInput, Target target,
      List<Finding> findings) throws InterruptedException {
    Future<?> f = worker.submit(() -> {
      session.accept(input);
      return null;
    });
    try {
      f.get(perInput.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      findings.add(new Finding(input, "no answer in " + perInput.toMillis() + " ms"));
      return false;
    } catch (ExecutionException e) {
      Throwable t = e.getCause();
      if (!target.allowed(t)) {
        java.io.StringWriter trace = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(trace));
        findings.add(new Finding(input, trace.toString()));
      }
    }
    return true;
  }

  private static Thread daemon(Runnable r) {
    Thread t = new Thread(r, "fuzz-input");
    t.setDaemon(true);
    return t;
  }
}
