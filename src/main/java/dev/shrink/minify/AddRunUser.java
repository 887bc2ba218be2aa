package dev.shrink.minify;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The run user's account ({@code /etc/passwd}, {@code /etc/group}, written into {@code workDir})
 * and a writable {@code /tmp}. The account is the image's own when {@code fromImage} (see
 * {@link Essentials#of}), else made up.
 *
 * @param imageUser the image config's User
 * @param user the user asked for ({@code --user}), or null
 */
record AddRunUser(String imageUser, String user, boolean fromImage, Path workDir) implements Step {
  @Override
  public void apply(Selection s) throws IOException {
    Essentials account = fromImage ? Essentials.of(s.files.root(), imageUser, user) : Essentials.synthesized(user);
    s.user = account;
    Path extraDir = Files.createDirectories(workDir.resolve("extra"));
    s.written.put("/etc/passwd", Files.writeString(extraDir.resolve("passwd"), account.passwd(), StandardCharsets.UTF_8));
    s.written.put("/etc/group", Files.writeString(extraDir.resolve("group"), account.group(), StandardCharsets.UTF_8));
    s.files.addSynthetic(Essentials.requirement("/etc/passwd", "account of the run user " + account.userName() + " (" + account.configUser() + ")"));
    s.files.addSynthetic(Essentials.requirement("/etc/group", "group of the run user"));
    s.dirs.put("/tmp", 01777);
    s.files.addSynthetic(Essentials.requirement("/tmp", "writable temp directory (mode 1777) for a read-only root"));
  }
}
