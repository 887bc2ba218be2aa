package dev.shrink.sbom;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.shrink.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The official schemas, as their projects ship them in Maven Central artifacts (test scope):
 * CycloneDX 1.6 ({@code bom-1.6.schema.json} with the SPDX licence list and JSF schemas it refers
 * to, from cyclonedx-core-java) and SPDX 2.3 ({@code resources/spdx-schema-v2.3.json}, from SPDX's
 * tools-java). Nothing is fetched over a network: every $ref is served from those jars.
 */
public final class SchemaValidation {
  private static final String CDX = "http://cyclonedx.org/schema/";
  private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7,
      b -> b.schemas(Map.of(
          CDX + "bom-1.6.schema.json", resource("/bom-1.6.schema.json"),
          CDX + "spdx.schema.json", resource("/spdx.schema.json"),
          CDX + "jsf-0.82.schema.json", resource("/jsf-0.82.schema.json"),
          "http://spdx.org/rdf/terms/2.3", resource("/resources/spdx-schema-v2.3.json"))));
  public static final Schema CYCLONEDX_1_6 = REGISTRY.getSchema(com.networknt.schema.SchemaLocation.of(CDX + "bom-1.6.schema.json"));
  public static final Schema SPDX_2_3 = REGISTRY.getSchema(com.networknt.schema.SchemaLocation.of("http://spdx.org/rdf/terms/2.3"));

  private SchemaValidation() {}

  /** The schema's complaints about {@code doc}, one line each; empty when it is valid. */
  public static List<String> errors(Schema schema, JsonNode doc) {
    List<Error> errors = schema.validate(doc);
    return errors.stream().map(Error::toString).toList();
  }

  public static void assertValid(Schema schema, JsonNode doc) {
    assertThat(errors(schema, doc)).as(Json.MAPPER.writeValueAsString(doc)).isEmpty();
  }

  /** The SPDX licence identifiers CycloneDX's schema lists (the SPDX licence list it was built with). */
  public static List<String> spdxLicenceIds() {
    JsonNode node = Json.MAPPER.readTree(resource("/spdx.schema.json"));
    return node.path("enum").valueStream().map(JsonNode::asString).toList();
  }

  static String resource(String name) {
    try (InputStream in = SchemaValidation.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is not on the test class path (cyclonedx-core-java, tools-java)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
