package dev.shrink.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Seeded random changes to a valid input, a few at a time: bit flips, interesting byte and number
 * values, runs inserted, removed or repeated, a cut, a splice of another seed, a token of the
 * input's language inserted. The same seed gives the same inputs.
 */
final class Mutator {
  private static final int[] INTERESTING = {0, 1, 0x7f, 0x80, 0xff, '/', '.', '\n', '"', '\\', '0'};
  private static final long[] NUMBERS = {0, 1, -1, 0x7f, 0x80, 0xff, 0xffff, 0x7fffffffL, 0xffffffffL, Long.MAX_VALUE, Long.MIN_VALUE};
  private static final int MAX_SIZE = 4 << 20;

  private final Random random;
  private final List<byte[]> seeds;
  private final List<byte[]> tokens;

  Mutator(long seed, List<byte[]> seeds, List<String> tokens) {
    this.random = new Random(seed);
    this.seeds = seeds;
    this.tokens = tokens.stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toList();
  }

  /** A seed changed 1 to 8 times. */
  byte[] next() {
    byte[] b = seeds.get(random.nextInt(seeds.size())).clone();
    int changes = 1 + random.nextInt(random.nextBoolean() ? 2 : 8);
    for (int i = 0; i < changes; i++) {
      b = mutate(b);
    }
    return b.length > MAX_SIZE ? Arrays.copyOf(b, MAX_SIZE) : b;
  }

  private byte[] mutate(byte[] b) {
    if (b.length == 0) {
      return insert(b, 0, token());
    }
    int at = position(b.length);
    switch (random.nextInt(9)) {
      case 0 -> b[at] ^= (byte) (1 << random.nextInt(8));
      case 1 -> b[at] = (byte) INTERESTING[random.nextInt(INTERESTING.length)];
      case 2 -> b[at] = (byte) random.nextInt(256);
      case 3 -> {
        long v = NUMBERS[random.nextInt(NUMBERS.length)];
        int width = 1 << random.nextInt(4);
        boolean little = random.nextBoolean();
        for (int i = 0; i < width && at + i < b.length; i++) {
          b[at + i] = (byte) (v >>> (8 * (little ? i : width - 1 - i)));
        }
      }
      case 4 -> {
        return remove(b, at, 1 + random.nextInt(Math.min(64, b.length - at)));
      }
      case 5 -> {
        int len = 1 + random.nextInt(Math.min(512, b.length - at));
        return insert(b, position(b.length + 1), Arrays.copyOfRange(b, at, at + len));
      }
      case 6 -> {
        return Arrays.copyOf(b, at);
      }
      case 7 -> {
        byte[] other = seeds.get(random.nextInt(seeds.size()));
        if (other.length == 0) {
          return b;
        }
        int from = random.nextInt(other.length);
        return insert(Arrays.copyOf(b, at), at, Arrays.copyOfRange(other, from, other.length));
      }
      default -> {
        return insert(b, position(b.length + 1), token());
      }
    }
    return b;
  }

  /** Positions near the start are likelier: headers live there. */
  private int position(int length) {
    return random.nextInt(4) == 0 ? random.nextInt(Math.min(length, 512)) : random.nextInt(length);
  }

  private byte[] token() {
    return tokens.isEmpty() ? new byte[] {(byte) random.nextInt(256)} : tokens.get(random.nextInt(tokens.size()));
  }

  private static byte[] insert(byte[] b, int at, byte[] what) {
    byte[] out = new byte[b.length + what.length];
    System.arraycopy(b, 0, out, 0, at);
    System.arraycopy(what, 0, out, at, what.length);
    System.arraycopy(b, at, out, at + what.length, b.length - at);
    return out;
  }

  private static byte[] remove(byte[] b, int at, int len) {
    byte[] out = new byte[b.length - len];
    System.arraycopy(b, 0, out, 0, at);
    System.arraycopy(b, at + len, out, at, b.length - at - len);
    return out;
  }
}
