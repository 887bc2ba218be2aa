package dev.shrink.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shrink.build.BuildTesting.Blob;
import dev.shrink.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Nothing private of the machine gets into a built image: shrink runs in a child JVM whose HOME
 * holds credentials, shell history and a user site-packages, with a secret exported in its
 * environment, and the app names those files (path literals, links). No secret may appear in any
 * layer entry, name or link, nor in the config or manifests.
 */
class NoLeakTest {
  static final String FILE_SECRET = "wJalrXUtnFEMI-file-secret-4a7c";
  static final String ENV_SECRET = "env-secret-91f2-AWS";
  static final String HISTORY_SECRET = "history-secret-77d1";
  static final String NOTES_SECRET = "notes-secret-0b3e";
  static final String USER_SITE_SECRET = "user-site-secret-5c9a";

  @TempDir Path tmp;

  @Test
  void noHomeFileAndNoHostVariableEndsUpInTheImage() throws Exception {
    Path home = Files.createDirectories(tmp.resolve("home"));
    Path credentials = Files.createDirectories(home.resolve(".aws")).resolve("credentials");
    Files.writeString(credentials, "[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = " + FILE_SECRET + "\n");
    Files.createDirectories(home.resolve(".ssh"));
    Files.writeString(home.resolve(".ssh/id_ed25519"), "-----BEGIN OPENSSH PRIVATE KEY-----\n" + FILE_SECRET + "\n");
    Files.writeString(home.resolve(".bash_history"), "export TOKEN=" + HISTORY_SECRET + "\n");
    Path notes = Files.writeString(home.resolve("notes.txt"), NOTES_SECRET + "\n");
    Path userSite = Files.createDirectories(home.resolve(".local/lib/python3.11/site-packages"));
    Files.writeString(userSite.resolve("usercustomize.py"), "SECRET = '" + USER_SITE_SECRET + "'\n");
    Files.writeString(userSite.resolve("helper.py"), "SECRET = '" + USER_SITE_SECRET + "'\n");

    Path proj = Files.createDirectories(tmp.resolve("proj"));
    Files.writeString(proj.resolve("app.py"), """
        import json
        import os
        CREDENTIALS = "%s"
        NOTES = "%s"
        HISTORY = "%s"
        try:
            import helper  # in the user site-packages of this machine's HOME
        except ImportError:
            helper = None
        print(json.dumps({"uid": os.getuid(), "credentials": os.path.exists(CREDENTIALS), "helper": helper is not None}))
        """.formatted(credentials, notes, home.resolve(".bash_history")));
    Files.createSymbolicLink(proj.resolve("aws-credentials"), credentials);
    Files.createSymbolicLink(proj.resolve("ssh"), home.resolve(".ssh"));

    Path archive = tmp.resolve("out.tar");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder pb = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"), "dev.shrink.cli.Main",
        "build", "docker-archive:" + archive + ":shrink-test/build-leak:latest", "--", BuildTesting.PYTHON, "app.py")
        .directory(proj.toFile()).redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
    pb.environment().put("HOME", home.toString());
    pb.environment().put("AWS_SECRET_ACCESS_KEY", ENV_SECRET);
    pb.environment().put("PYTHONPATH", userSite.toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    // the app asked for them, and was told no
    assertThat(out).contains("not taken from this machine: " + credentials, "not taken from this machine: " + notes,
        "not taken from this machine: " + home.resolve(".bash_history"));

    List<Blob> blobs = BuildTesting.contents(archive);
    assertThat(blobs).anyMatch(b -> b.name().endsWith("!app/app.py"));
    for (String secret : List.of(FILE_SECRET, ENV_SECRET, HISTORY_SECRET, NOTES_SECRET, USER_SITE_SECRET)) {
      assertThat(blobs).as(secret).noneMatch(b -> b.contains(secret));
    }
    // the files themselves are not there, under any name; links to them are kept as links only
    assertThat(blobs).noneMatch(b -> b.name().contains(".aws/") || b.name().contains(".ssh/") || b.name().contains("notes.txt")
        || b.name().contains("_history") || b.name().contains(".local/"));

    JsonNode config = blobs.stream().filter(b -> !b.name().contains("!") && b.contains("\"Entrypoint\""))
        .map(b -> Json.MAPPER.readTree(b.bytes())).findFirst().orElseThrow();
    assertThat(config.toString()).doesNotContain("AWS_SECRET_ACCESS_KEY", "PYTHONPATH", "HOME=", home.toString());
    assertThat(config.path("config").path("Env").values()).extracting(JsonNode::asString)
        .containsExactly("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    assertThat(config.path("config").path("WorkingDir").asString()).isEqualTo("/app");
    assertThat(config.path("config").path("User").asString()).isEqualTo("65532:65532");
    String passwd = blobs.stream().filter(b -> b.name().endsWith("!etc/passwd")).map(b -> new String(b.bytes(), StandardCharsets.UTF_8))
        .findFirst().orElseThrow();
    assertThat(passwd).endsWith("root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n");
  }
}
