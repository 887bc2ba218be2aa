package dev.shrink.minify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shrink.fs.RootFs;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EssentialsTest {
  @TempDir Path dir;
  RootFs root;

  @BeforeEach
  void accounts() throws Exception {
    Files.createDirectories(dir.resolve("etc"));
    Files.writeString(dir.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/:/usr/sbin/nologin\napp:x:10001:10001:App:/home/app:/bin/sh\n");
    Files.writeString(dir.resolve("etc/group"), "root:x:0:\ndaemon:x:1:\napp:x:10001:\nstaff:x:50:\n");
    root = new RootFs(dir);
  }

  @Test
  void rootImageGetsNonrootAndOnlyTwoAccounts() throws Exception {
    Essentials e = Essentials.of(root, "", null);
    assertThat(e.configUser()).isEqualTo("65532:65532");
    assertThat(e.passwd()).isEqualTo("root:x:0:0:root:/root:/bin/bash\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n");
    assertThat(e.group()).isEqualTo("root:x:0:\nnonroot:x:65532:\n");
    assertThat(Essentials.of(root, "root", null).configUser()).isEqualTo("65532:65532");
    assertThat(Essentials.of(root, "0:0", null).configUser()).isEqualTo("65532:65532");
  }

  @Test
  void nonRootImageUserIsKeptByNameOrNumber() throws Exception {
    Essentials byName = Essentials.of(root, "app", null);
    assertThat(byName.configUser()).isEqualTo("10001:10001");
    assertThat(byName.passwd()).contains("app:x:10001:10001:App:/home/app:/bin/sh").doesNotContain("daemon");
    assertThat(Essentials.of(root, "10001", null).userName()).isEqualTo("app");
  }

  @Test
  void overrideWithGroupName() throws Exception {
    Essentials e = Essentials.of(root, "", "10001:staff");
    assertThat(e.configUser()).isEqualTo("10001:50");
    assertThat(e.group()).contains("staff:x:50:");
    assertThatThrownBy(() -> Essentials.of(root, "", "nobody-here")).hasMessageContaining("nobody-here");
  }
}
