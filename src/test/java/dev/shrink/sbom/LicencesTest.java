package dev.shrink.sbom;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shrink.json.Json;
import dev.shrink.python.Metadata;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class LicencesTest {
  private final Licences licences = Licences.load();

  @Test
  void everySpdxIdentifierOfTheKnowledgeIsOnTheSpdxLicenceList() {
    List<String> ids = SchemaValidation.spdxLicenceIds();
    Licences.Document doc = Json.resource("/knowledge/licences.json", Licences.Document.class);
    assertThat(ids).contains("MIT", "Apache-2.0");
    doc.names().forEach(n -> assertThat(ids).as(n.name()).contains(n.spdx()));
    doc.classifiers().forEach(c -> assertThat(ids).as(c.classifier()).contains(c.spdx()));
  }

  @Test
  void debianMachineReadableCopyrightFilesOfThisMachine() throws Exception {
    // python3-gunicorn: Files paragraphs under BSD-3-clause, GPL-3+ and MIT
    List<Licence> gunicorn = licences.dep5(Files.readString(Path.of("/usr/share/doc/python3-gunicorn/copyright")));
    assertThat(gunicorn).extracting(Licence::value).containsExactlyInAnyOrder("MIT", "BSD-3-Clause", "GPL-3.0-or-later");
    assertThat(gunicorn).allMatch(Licence::spdx);
    // libc6's copyright file is free text: nothing is claimed
    assertThat(licences.dep5(Files.readString(Path.of("/usr/share/doc/libc6/copyright")))).isEmpty();
  }

  @Test
  void dep5ExpressionsAndUnknownNames() {
    String copyright = """
        Format: http://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
        Upstream-Name: x

        Files: *
        Copyright: someone
        License: GPL-1+ or Artistic

        Files: odd/*
        Copyright: someone else
        License: GPL-2+ with OpenSSL exception

        License: GPL-1+
         The text of the licence, which defines it and is no licence of a file.
        """;
    assertThat(licences.dep5(copyright)).containsExactly(new Licence("GPL-1.0-or-later OR Artistic-1.0-Perl", true),
        new Licence("GPL-2+ with OpenSSL exception", false));
  }

  @Test
  void pythonMetadataInItsOrderOfTrust() {
    assertThat(licences.python(Metadata.parse("Name: a\nLicense-Expression: MIT OR Apache-2.0\nLicense: BSD\n")))
        .containsExactly(new Licence("MIT OR Apache-2.0", true));
    assertThat(licences.python(Metadata.parse("Name: a\nLicense: Apache 2.0\nClassifier: License :: OSI Approved :: MIT License\n")))
        .containsExactly(new Licence("Apache-2.0", true));
    // a License field holding the whole text: the classifiers say it better
    assertThat(licences.python(Metadata.parse("Name: a\nLicense: Copyright (c) someone\n        Permission is hereby granted\n"
        + "Classifier: License :: OSI Approved :: MIT License\n"))).containsExactly(new Licence("MIT", true));
    assertThat(licences.python(Metadata.parse("Name: a\nLicense: UNKNOWN\nClassifier: License :: OSI Approved :: BSD License\n")))
        .containsExactly(new Licence("BSD License", false));
    assertThat(licences.python(Metadata.parse("Name: a\nLicense: Some Licence\n\nLicense: not a header\n")))
        .containsExactly(new Licence("Some Licence", false));
    assertThat(licences.python(Metadata.parse("Name: a\n"))).isEmpty();
  }
}
