package com.zeroui.kms.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The served OpenAPI document is a valid OpenAPI 3.1 document: checked against the official OAS 3.1
 * JSON Schema (src/test/resources/openapi/, see its README for source and licence) with a JSON
 * Schema 2020-12 validator (issue 11 §7).
 */
class OpenApiDocumentTest {
    static JsonNode read(String resource) throws IOException {
        try (InputStream in = OpenApiDocumentTest.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return new ObjectMapper().readTree(in);
        }
    }

    static List<Error> validate(JsonNode document) throws IOException {
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
        Schema schema;
        try (InputStream in = OpenApiDocumentTest.class.getResourceAsStream("/openapi/oas-3.1-schema.json")) {
            schema = registry.getSchema(in, InputFormat.JSON);
        }
        return schema.validate(document);
    }

    @Test
    void theDocumentIsValidOpenApi31() throws IOException {
        JsonNode document = read("/openapi.json");
        assertThat(document.path("openapi").asText()).startsWith("3.1.");
        assertThat(validate(document)).extracting(Error::toString).isEmpty();
    }

    @Test
    void theSchemaCatchesWhatWasWrongBefore() throws IOException {
        // the mistake the document had: mutualTLS (3.1 only) declared in a 3.0.3 document
        JsonNode document = read("/openapi.json");
        ((com.fasterxml.jackson.databind.node.ObjectNode) document).put("openapi", "3.0.3");
        assertThat(validate(document)).isNotEmpty();
        JsonNode unknownScheme = read("/openapi.json");
        ((com.fasterxml.jackson.databind.node.ObjectNode) unknownScheme.at("/components/securitySchemes/mutualTLS"))
                .put("type", "clientCertificate");
        assertThat(validate(unknownScheme)).isNotEmpty();
    }

    @Test
    void noOpenApi30KeywordsRemainInSchemas() throws IOException {
        List<String> found = new ArrayList<>();
        collect(read("/openapi.json"), "", found);
        assertThat(found).as("nullable is OpenAPI 3.0; 3.1 spells it type: [T, \"null\"]").isEmpty();
    }

    private static void collect(JsonNode node, String path, List<String> found) {
        if (node.isObject()) {
            node.fields().forEachRemaining(f -> {
                if (f.getKey().equals("nullable")) {
                    found.add(path + "/nullable");
                }
                collect(f.getValue(), path + "/" + f.getKey(), found);
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collect(node.get(i), path + "/" + i, found);
            }
        }
    }
}
