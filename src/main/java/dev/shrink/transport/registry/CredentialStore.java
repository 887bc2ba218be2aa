package dev.shrink.transport.registry;

import dev.shrink.image.ImageException;
import dev.shrink.image.ImageJson;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * Finds registry credentials the way docker, podman and skopeo store them: in a docker
 * {@code config.json} or containers {@code auth.json} ({@code auths} with a base64
 * {@code user:password}, or an {@code identitytoken}), or through a credential helper
 * ({@code credHelpers} for one registry, {@code credsStore} for all) that is run as
 * {@code docker-credential-NAME get} with the registry on stdin.
 */
final class CredentialStore {
  private static final long HELPER_TIMEOUT_SECONDS = 60;

  private final Map<String, String> env;
  private final Path authFile;

  /**
   * @param env the environment to read ({@code REGISTRY_AUTH_FILE}, {@code DOCKER_CONFIG},
   *     {@code XDG_RUNTIME_DIR}, {@code HOME}, {@code PATH} for helpers)
   * @param authFile a file the user named; when set, it is the only one read
   */
  CredentialStore(Map<String, String> env, Path authFile) {
    this.env = env;
    this.authFile = authFile;
  }

  /** The files to search, in order; the first that has an entry for the registry wins. */
  List<Path> files() {
    List<Path> files = new ArrayList<>();
    if (authFile != null) {
      files.add(authFile);
      return files;
    }
    String registryAuthFile = env.get("REGISTRY_AUTH_FILE");
    if (registryAuthFile != null && !registryAuthFile.isEmpty()) {
      files.add(Path.of(registryAuthFile));
    }
    String dockerConfig = env.get("DOCKER_CONFIG");
    if (dockerConfig != null && !dockerConfig.isEmpty()) {
      files.add(Path.of(dockerConfig, "config.json"));
    }
    String home = env.getOrDefault("HOME", System.getProperty("user.home"));
    if (home != null && !home.isEmpty()) {
      files.add(Path.of(home, ".docker", "config.json"));
    }
    String runtimeDir = env.get("XDG_RUNTIME_DIR");
    if (runtimeDir != null && !runtimeDir.isEmpty()) {
      files.add(Path.of(runtimeDir, "containers", "auth.json"));
    }
    return files;
  }

  /**
   * Credentials for a repository, or null when no store has any.
   *
   * @throws ImageException when a store is unreadable or its helper fails
   */
  Credentials find(String host, String repository) {
    for (Path file : files()) {
      if (!Files.isRegularFile(file)) {
        if (file.equals(authFile)) {
          throw new ImageException("auth file " + file + " does not exist");
        }
        continue;
      }
      Credentials found = fromFile(file, host, repository);
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  private Credentials fromFile(Path file, String host, String repository) {
    JsonNode root;
    try {
      root = ImageJson.parse(Files.readAllBytes(file), "auth file " + file);
    } catch (IOException e) {
      throw new ImageException("cannot read auth file " + file + ": " + e.getMessage(), e);
    }
    JsonNode helpers = root.path("credHelpers");
    for (String key : keys(host)) {
      if (helpers.path(key).isString()) {
        return fromHelper(helpers.path(key).asString(), host, file);
      }
    }
    JsonNode auths = root.path("auths");
    // The most specific entry first: host/namespace/repo, host/namespace, host (as podman does).
    List<String> scopes = new ArrayList<>();
    String[] parts = repository.split("/");
    for (int n = parts.length; n >= 1; n--) {
      scopes.add(host + "/" + String.join("/", java.util.Arrays.copyOf(parts, n)));
    }
    scopes.addAll(keys(host));
    for (String key : scopes) {
      JsonNode entry = auths.path(key);
      if (entry.isObject()) {
        Credentials c = fromEntry(entry, file + " (auths." + key + ")");
        if (c != null) {
          return c;
        }
      }
    }
    // "https://host/v1/" and the like: match on the host part of the key.
    for (String key : auths.propertyNames()) {
      if (hostOf(key).equals(host) || (host.equals(RegistryRef.DOCKER_HUB) && hostOf(key).equals("index.docker.io"))) {
        Credentials c = fromEntry(auths.path(key), file + " (auths." + key + ")");
        if (c != null) {
          return c;
        }
      }
    }
    if (root.path("credsStore").isString() && !root.path("credsStore").asString().isEmpty()) {
      return fromHelper(root.path("credsStore").asString(), host, file);
    }
    return null;
  }

  private static List<String> keys(String host) {
    if (host.equals(RegistryRef.DOCKER_HUB)) {
      return List.of("https://index.docker.io/v1/", "index.docker.io", "docker.io", "registry-1.docker.io");
    }
    return List.of(host, "https://" + host, "http://" + host);
  }

  private static String hostOf(String key) {
    String k = key.replaceFirst("^[a-z]+://", "");
    int slash = k.indexOf('/');
    return slash < 0 ? k : k.substring(0, slash);
  }

  private static Credentials fromEntry(JsonNode entry, String source) {
    String identityToken = entry.path("identitytoken").asString("");
    if (!identityToken.isEmpty()) {
      return new Credentials(Credentials.TOKEN_USER, identityToken, source);
    }
    String auth = entry.path("auth").asString("");
    if (!auth.isEmpty()) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(auth.strip()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new ImageException(source + ": 'auth' is not base64");
      }
      if (decoded.indexOf(':') <= 0) {
        throw new ImageException(source + ": 'auth' is not base64 of USER:PASSWORD");
      }
      return Credentials.parseUserPass(decoded, source);
    }
    String user = entry.path("username").asString("");
    String password = entry.path("password").asString("");
    if (!user.isEmpty()) {
      return new Credentials(user, password, source);
    }
    return null;
  }

  /** Runs {@code docker-credential-NAME get}; null when the helper has nothing for the host. */
  Credentials fromHelper(String name, String host, Path file) {
    String program = "docker-credential-" + name;
    String source = program + " (named in " + file + ")";
    Path exe = onPath(program);
    if (exe == null) {
      throw new ImageException(file + " names the credential helper " + program + ", which is not on PATH");
    }
    String serverUrl = host.equals(RegistryRef.DOCKER_HUB) ? "https://index.docker.io/v1/" : host;
    ProcessBuilder pb = new ProcessBuilder(exe.toString(), "get");
    pb.environment().clear();
    pb.environment().putAll(env);
    pb.redirectError(ProcessBuilder.Redirect.PIPE);
    try {
      Process p = pb.start();
      try (OutputStream stdin = p.getOutputStream()) {
        stdin.write(serverUrl.getBytes(StandardCharsets.UTF_8));
      }
      byte[] out;
      byte[] err;
      try (InputStream stdout = p.getInputStream(); InputStream stderr = p.getErrorStream()) {
        out = stdout.readAllBytes();
        err = stderr.readAllBytes();
      }
      if (!p.waitFor(HELPER_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new ImageException(source + " did not answer within " + HELPER_TIMEOUT_SECONDS + " s");
      }
      String text = new String(out, StandardCharsets.UTF_8).strip();
      if (p.exitValue() != 0) {
        String all = (text + " " + new String(err, StandardCharsets.UTF_8)).strip();
        if (all.toLowerCase(java.util.Locale.ROOT).contains("credentials not found")) {
          return null;
        }
        throw new ImageException(source + " failed for " + host + " (exit " + p.exitValue() + "): " + all);
      }
      JsonNode json = ImageJson.parse(out, "the answer of " + source);
      String user = json.path("Username").asString("");
      String secret = json.path("Secret").asString("");
      if (secret.isEmpty()) {
        return null;
      }
      return new Credentials(user, secret, source);
    } catch (IOException e) {
      throw new ImageException("cannot run " + source + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ImageException("interrupted while running " + source, e);
    }
  }

  private Path onPath(String program) {
    String path = env.getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, program);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }
}
