package dev.shrink.minify;

import dev.shrink.closure.Analyser;
import dev.shrink.closure.Requirement;
import dev.shrink.sbom.StatusD;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The last step: {@code /var/lib/dpkg/status.d/NAME} with the dpkg status stanza of each Debian
 * package of the root that a kept file comes from, as distroless images have it (see
 * {@link StatusD}), so that scanners still see the packages; the root's packages (read by the
 * {@link Survey}) stay in the selection for the report and the SBOMs.
 */
record WriteDpkgStatus(Path dir, Survey survey) implements Step {
  @Override
  public void apply(Selection s) throws IOException {
    Set<String> kept = new TreeSet<>(s.files.paths());
    kept.addAll(s.written.keySet());
    s.archives.values().forEach(members -> kept.addAll(members.keySet()));
    s.debs = survey.debs();
    Map<String, String> entries = StatusD.entries(s.debs, kept);
    for (Map.Entry<String, String> e : entries.entrySet()) {
      String name = e.getKey().substring(e.getKey().lastIndexOf('/') + 1);
      Path file = Files.createDirectories(dir).resolve(name);
      s.written.put(e.getKey(), Files.writeString(file, e.getValue(), StandardCharsets.UTF_8));
      s.files.addSynthetic(new Requirement(e.getKey(), Analyser.SBOM, "dpkg status of the kept Debian package " + name
          + ", for scanners that read the dpkg database (trivy, syft, grype), as distroless images have it", null));
    }
  }
}
