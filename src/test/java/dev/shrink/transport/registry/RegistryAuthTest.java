package dev.shrink.transport.registry;

import static dev.shrink.transport.registry.RegistryTransportTest.basicAuth;
import static dev.shrink.transport.registry.RegistryTransportTest.executable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shrink.image.Digest;
import dev.shrink.image.Image;
import dev.shrink.image.ManifestFormat;
import dev.shrink.testing.LocalRegistry;
import dev.shrink.testing.NeedsEngine;
import dev.shrink.transport.TransportOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pushing to and pulling from a registry that wants basic auth (htpasswd, bcrypt). */
@NeedsEngine
class RegistryAuthTest {
  static LocalRegistry registry;

  @TempDir Path tmp;

  @BeforeAll
  static void start() throws IOException {
    registry = LocalRegistry.startWithBasicAuth("alice", "s3cret");
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  RegistryTransport transport(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>();
    env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    env.put("HOME", tmp.resolve("home").toString());
    env.putAll(extra);
    return new RegistryTransport(env, RegistryTransportTest.FAST);
  }

  TransportOptions options() {
    return TransportOptions.builder().tlsVerify(false).tempDir(tmp).build();
  }

  void pushAndReadBack(RegistryTransport transport, TransportOptions options, String repo) throws Exception {
    TestImage t = TestImage.twoLayers("amd64", repo);
    String spec = registry.host() + "/" + repo + ":1";
    transport.write(t.image("test"), spec, options);
    try (Image back = transport.read(spec, options)) {
      assertThat(Digest.of(back.manifestBytes(ManifestFormat.OCI))).isEqualTo(Digest.of(t.manifestBytes()));
    }
  }

  @Test
  void withoutCredentialsAPushFailsWith401NamingTheImage() throws Exception {
    TestImage t = TestImage.twoLayers("amd64", "anon");
    String spec = registry.host() + "/auth/anon:1";
    long before = registry.requests().size();
    assertThatThrownBy(() -> transport(Map.of()).write(t.image("test"), spec, options()))
        .isInstanceOf(RegistryException.class)
        .hasMessageStartingWith("docker://" + spec + ": pushing blob " + t.layers.get(0).digest() + ": 401 UNAUTHORIZED authentication required")
        .hasMessageContaining("no credentials for " + registry.host())
        .satisfies(e -> assertThat(((RegistryException) e).status()).isEqualTo(401));
    // 401 is not retried: the HEAD, the GET that brings the registry's message, nothing else.
    assertThat(registry.requests().subList((int) before, registry.requests().size()))
        .extracting(LocalRegistry.Access::method, LocalRegistry.Access::status)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("HEAD", 401), org.assertj.core.groups.Tuple.tuple("GET", 401));
  }

  @Test
  void aWrongPasswordFailsWithTheRegistrysMessage() throws Exception {
    TestImage t = TestImage.twoLayers("amd64", "wrong");
    String spec = registry.host() + "/auth/wrong:1";
    assertThatThrownBy(() -> transport(Map.of()).write(t.image("test"), spec, options().toBuilder().creds("alice:nope").build()))
        .isInstanceOf(RegistryException.class)
        .hasMessageStartingWith("docker://" + spec + ": pushing blob ")
        .hasMessageContaining(": 401 UNAUTHORIZED authentication required (with the credentials of user alice from --creds)");
    assertThatThrownBy(() -> transport(Map.of()).read(spec, options().toBuilder().creds("alice:nope").build()))
        .isInstanceOf(RegistryException.class)
        .hasMessageStartingWith("docker://" + spec + ": reading manifest 1: 401 UNAUTHORIZED authentication required");
  }

  @Test
  void credsOptionWorks() throws Exception {
    pushAndReadBack(transport(Map.of()), options().toBuilder().creds("alice:s3cret").build(), "auth/creds");
  }

  @Test
  void anAuthsEntryInTheAuthFileWorks() throws Exception {
    Path file = tmp.resolve("auth.json");
    Files.writeString(file, "{\"auths\":{\"" + registry.host() + "\":{\"auth\":\"" + basicAuth("alice", "s3cret") + "\"}}}");
    pushAndReadBack(transport(Map.of()), options().toBuilder().authFile(file).build(), "auth/authfile");
  }

  @Test
  void dockerConfigAndRegistryAuthFileAreFound() throws Exception {
    Path dockerConfig = Files.createDirectories(tmp.resolve("docker-config"));
    Files.writeString(dockerConfig.resolve("config.json"),
        "{\"auths\":{\"http://" + registry.host() + "/v1/\":{\"auth\":\"" + basicAuth("alice", "s3cret") + "\"}}}");
    pushAndReadBack(transport(Map.of("DOCKER_CONFIG", dockerConfig.toString())), options(), "auth/dockerconfig");

    Path authFile = tmp.resolve("registry-auth.json");
    Files.writeString(authFile, "{\"auths\":{\"" + registry.host() + "/auth\":{\"auth\":\"" + basicAuth("alice", "s3cret") + "\"}}}");
    pushAndReadBack(transport(Map.of("REGISTRY_AUTH_FILE", authFile.toString())), options(), "auth/registryauthfile");

    Path home = tmp.resolve("home");
    Files.createDirectories(home.resolve(".docker"));
    Files.writeString(home.resolve(".docker/config.json"),
        "{\"auths\":{\"" + registry.host() + "\":{\"auth\":\"" + basicAuth("alice", "s3cret") + "\"}}}");
    pushAndReadBack(transport(Map.of()), options(), "auth/home");
  }

  @Test
  void aCredentialHelperNamedInCredHelpersIsRun() throws Exception {
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Path seen = tmp.resolve("helper-stdin");
    executable(bin.resolve("docker-credential-test"), "#!/bin/sh\n"
        + "[ \"$1\" = get ] || exit 2\n"
        + "read -r server\n"
        + "printf '%s' \"$server\" > '" + seen + "'\n"
        + "if [ \"$server\" = '" + registry.host() + "' ]; then\n"
        + "  printf '{\"ServerURL\":\"%s\",\"Username\":\"alice\",\"Secret\":\"s3cret\"}\\n' \"$server\"\n"
        + "else\n"
        + "  echo 'credentials not found in native keychain'; exit 1\n"
        + "fi\n");
    Path config = tmp.resolve("helper.json");
    Files.writeString(config, "{\"auths\":{},\"credHelpers\":{\"" + registry.host() + "\":\"test\"}}");
    Map<String, String> env = Map.of("PATH", bin + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    pushAndReadBack(transport(env), options().toBuilder().authFile(config).build(), "auth/helper");
    assertThat(Files.readString(seen)).isEqualTo(registry.host());

    // The same helper as the credsStore for every registry.
    Files.writeString(config, "{\"credsStore\":\"test\"}");
    pushAndReadBack(transport(env), options().toBuilder().authFile(config).build(), "auth/credsstore");

    // A helper that is not on PATH is named in the error.
    Files.writeString(config, "{\"credHelpers\":{\"" + registry.host() + "\":\"absent\"}}");
    TestImage t = TestImage.twoLayers("amd64", "nohelper");
    assertThatThrownBy(() -> transport(env).write(t.image("test"), registry.host() + "/auth/nohelper:1",
        options().toBuilder().authFile(config).build()))
        .hasMessageContaining("docker-credential-absent")
        .hasMessageContaining("not on PATH");
  }
}
