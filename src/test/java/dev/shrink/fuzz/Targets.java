package dev.shrink.fuzz;

import dev.shrink.elf.ElfData;
import dev.shrink.elf.ElfFile;
import dev.shrink.image.Descriptor;
import dev.shrink.image.ImageConfig;
import dev.shrink.image.ImageException;
import dev.shrink.image.Index;
import dev.shrink.image.Manifest;
import dev.shrink.layer.LayerApplier;
import dev.shrink.layer.TempFiles;
import dev.shrink.python.ImportScanner;
import dev.shrink.transport.RawImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** The parsers of untrusted bytes, as fuzz targets. */
final class Targets {
  private Targets() {}

  static List<Target> all() {
    return List.of(new Layers(), new ImageJson(), new Elf(), new Python());
  }

  static Target named(String name) {
    return all().stream().filter(t -> t.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no fuzz target " + name + "; there are " + all().stream().map(Target::name).toList()));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Layer tars (plain and gzip) applied to a fresh directory by {@link LayerApplier}: any failure
   * must be a {@link ImageException} naming the layer, and nothing may appear beside the directory.
   */
  static final class Layers implements Target {
    @Override
    public String name() {
      return "layer";
    }

    @Override
    public List<byte[]> seeds() {
      byte[] plain = tar(false);
      byte[] links = tar(true);
      return List.of(plain, links, RawImage.gzip(plain), RawImage.gzip(links));
    }

    private static byte[] tar(boolean links) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        entry(tar, "etc/", TarConstants.LF_DIR, null, "");
        entry(tar, "etc/hello.txt", TarConstants.LF_NORMAL, null, "hello\n");
        entry(tar, "usr/lib/" + "long-name-".repeat(12) + "/x.py", TarConstants.LF_NORMAL, null, "import os\n");
        if (links) {
          entry(tar, "etc/link", TarConstants.LF_SYMLINK, "hello.txt", "");
          entry(tar, "etc/hard", TarConstants.LF_LINK, "etc/hello.txt", "");
          entry(tar, "lib", TarConstants.LF_SYMLINK, "usr/lib", "");
          entry(tar, "lib/y.txt", TarConstants.LF_NORMAL, null, "through the link\n");
          entry(tar, "etc/.wh.gone", TarConstants.LF_NORMAL, null, "");
          entry(tar, "usr/.wh..wh..opq", TarConstants.LF_NORMAL, null, "");
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return bytes.toByteArray();
    }

    private static void entry(TarArchiveOutputStream tar, String name, byte type, String link, String content) throws IOException {
      TarArchiveEntry e = new TarArchiveEntry(name, type, true);
      byte[] data = utf8(content);
      e.setMode(type == TarConstants.LF_DIR ? 040755 : 0100644);
      e.setSize(type == TarConstants.LF_NORMAL ? data.length : 0);
      if (link != null) {
        e.setLinkName(link);
      }
      tar.putArchiveEntry(e);
      if (type == TarConstants.LF_NORMAL) {
        tar.write(data);
      }
      tar.closeArchiveEntry();
    }

    @Override
    public List<String> tokens() {
      return List.of("../", "/", ".wh.", ".wh..wh..opq", "ustar\u000000", "path=", " 30 path=../../x\n", "linkpath=");
    }

    @Override
    public boolean allowed(Throwable t) {
      return t instanceof ImageException;
    }

    @Override
    public Session open() throws IOException {
      Path base = Files.createTempDirectory("shrink-fuzz-layer-");
      Path root = base.resolve("root");
      return new Session() {
        @Override
        public void accept(byte[] input) throws Exception {
          try {
            new LayerApplier(root).apply(new ByteArrayInputStream(input), "fuzz", "layer");
          } finally {
            try (Stream<Path> beside = Files.list(base)) {
              List<Path> others = beside.filter(p -> !p.equals(root)).toList();
              if (!others.isEmpty()) {
                throw new AssertionError("written outside the directory: " + others);
              }
            }
            TempFiles.deleteTree(root);
          }
        }

        @Override
        public void close() {
          TempFiles.deleteTree(base);
        }
      };
    }
  }

  /** Manifests, indexes and configs: parsed and read through; bad ones are {@link ImageException}s. */
  static final class ImageJson implements Target {
    private static final String D = "sha256:" + "ab".repeat(32);

    @Override
    public String name() {
      return "image-json";
    }

    @Override
    public List<byte[]> seeds() {
      return List.of(
          utf8("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":"
              + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + D + "\",\"size\":123},\"layers\":[{\"mediaType\":"
              + "\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" + D + "\",\"size\":456,\"annotations\":{\"a\":\"b\"}}]}"),
          utf8("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\",\"config\":{\"mediaType\":"
              + "\"application/vnd.docker.container.image.v1+json\",\"digest\":\"" + D + "\",\"size\":1},\"layers\":[]}"),
          utf8("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[{\"mediaType\":"
              + "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + D + "\",\"size\":7,\"platform\":{\"architecture\":"
              + "\"amd64\",\"os\":\"linux\"}},{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + D
              + "\",\"size\":7,\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\"}}]}"),
          utf8("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Entrypoint\":[\"/bin/sh\"],\"Cmd\":[\"-c\",\"x\"],"
              + "\"Env\":[\"PATH=/usr/bin\",\"A\"],\"User\":\"1000:1000\",\"WorkingDir\":\"/app\",\"ExposedPorts\":{\"80/tcp\":{}},"
              + "\"Labels\":{\"k\":\"v\"}},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + D + "\"]}}"));
    }

    @Override
    public List<String> tokens() {
      return List.of("{", "}", "[", "]", "\"", ":", ",", "null", "true", "-1", "1e999", "9223372036854775808", "\"\"", "{}", "[]",
          "\"" + D + "\"", "\"sha256:\"", "\\u0000", "\"size\":", "\"digest\":", "\"layers\":", "\"manifests\":", "\"platform\":");
    }

    @Override
    public boolean allowed(Throwable t) {
      return t instanceof ImageException;
    }

    @Override
    public Session open() {
      return new Session() {
        @Override
        public void accept(byte[] input) {
          List<Throwable> refused = new ArrayList<>();
          attempt(refused, () -> {
            Manifest m = Manifest.parse(input, "fuzz manifest");
            m.format();
            m.toJson();
            for (dev.shrink.image.ManifestFormat f : dev.shrink.image.ManifestFormat.values()) {
              m.convert(f);
            }
          });
          attempt(refused, () -> {
            Index i = Index.parse(input, "fuzz index");
            for (Descriptor d : i.manifests()) {
              d.digest();
            }
            i.select(dev.shrink.image.Platform.LINUX_AMD64, "fuzz index");
          });
          attempt(refused, () -> Index.isIndex(input, "fuzz"));
          attempt(refused, () -> ImageConfig.parse(input, "fuzz config").copy()); // parse reads every field
        }

        private void attempt(List<Throwable> refused, Runnable r) {
          try {
            r.run();
          } catch (ImageException e) {
            refused.add(e);
          }
        }

        @Override
        public void close() {}
      };
    }
  }

  /** ELF headers and sections ({@link ElfFile#parse}, {@link ElfData#read}): bad files are {@link IOException}s. */
  static final class Elf implements Target {
    @Override
    public String name() {
      return "elf";
    }

    @Override
    public List<byte[]> seeds() {
      List<byte[]> seeds = new ArrayList<>();
      for (String f : List.of("/usr/bin/true", "/usr/lib/x86_64-linux-gnu/libz.so.1", "/bin/true")) {
        try {
          if (Files.isReadable(Path.of(f)) && seeds.size() < 2) {
            seeds.add(Files.readAllBytes(Path.of(f)));
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      if (seeds.isEmpty()) {
        throw new IllegalStateException("no ELF file to start from (looked for /usr/bin/true and libz)");
      }
      return seeds;
    }

    @Override
    public List<String> tokens() {
      return List.of("\u007fELF", "\u0000\u0000\u0000\u0000", "x\u009c");
    }

    @Override
    public boolean allowed(Throwable t) {
      return t instanceof IOException;
    }

    @Override
    public Session open() throws IOException {
      Path dir = Files.createTempDirectory("shrink-fuzz-elf-");
      Path file = dir.resolve("input.so");
      return new Session() {
        @Override
        public void accept(byte[] input) throws IOException {
          Files.write(file, input);
          IOException first = null;
          try {
            ElfFile.parse(file);
          } catch (IOException e) {
            first = e;
          }
          ElfData.read(file);
          if (first != null) {
            throw first;
          }
        }

        @Override
        public void close() {
          TempFiles.deleteTree(dir);
        }
      };
    }
  }

  /** Python source: the tokenizer and import scanner take any text and never throw. */
  static final class Python implements Target {
    @Override
    public String name() {
      return "python";
    }

    @Override
    public List<byte[]> seeds() {
      return List.of(
          utf8("import os, sys as system\nfrom . import sibling\nfrom ..pkg.mod import (a,\n    b as c)\n"
              + "try:\n    import ujson as json\nexcept ImportError:\n    json = None\n"
              + "if sys.version_info >= (3, 10):\n    import tomllib\nelse:\n    import tomli as tomllib\n"
              + "def f():\n    import lazy.mod\n    return __import__('dyn')\n"
              + "if __name__ == \"__main__\":\n    import main_only\n"),
          utf8("# -*- coding: utf-8 -*-\n'''doc \"\"\" string'''\nx = f\"{a!r:>{w}} {'q'}\" + rb'\\x00' + u'\\N{DASH}'\n"
              + "@decorator(arg)\nclass K(Base, metaclass=M):\n    async def g(self): await h()\n"
              + "    y = lambda: (yield)\nz = [i for i in range(3) if i]\\\n    + [1]\nimportlib.import_module('x.y')\n"
              + "match v:\n    case [1, *rest]: pass\n"),
          utf8("from __future__ import annotations\nif TYPE_CHECKING:\n    from typing import List\n"
              + "__all__ = ['a', \"b\"]\nwith open('f') as fh, ctx() as c:\n\tpass\n"));
    }

    @Override
    public List<String> tokens() {
      return List.of("import ", "from ", " as ", "\n", "    ", "\t", "(", ")", "\\\n", "'''", "\"\"\"", "f\"{", "}", "#", "try:\n",
          "except ImportError:\n", "if ", "else:\n", "__name__", "sys.version_info", ">= (3, ", "__import__(", "\"", "'", ".", ",",
          "\r", "\u0000", "\ufeff", "é");
    }

    @Override
    public boolean allowed(Throwable t) {
      return false;
    }

    @Override
    public Session open() {
      return new Session() {
        @Override
        public void accept(byte[] input) {
          String source = new String(input, StandardCharsets.UTF_8);
          ImportScanner.scan(source, true, "3.11");
          ImportScanner.scan(source, false, null);
        }

        @Override
        public void close() {}
      };
    }
  }
}
