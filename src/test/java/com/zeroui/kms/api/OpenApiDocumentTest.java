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

    /** The served form: markers replaced by the registry's vocabularies, still valid OpenAPI 3.1. */
    @Test
    void theServedDocumentIsValidAndItsEnumsComeFromTheRegistry() throws IOException {
        JsonNode served = new ObjectMapper().readTree(OpenApiDocument.load(new ObjectMapper()));
        assertThat(validate(served)).extracting(Error::toString).isEmpty();
        assertThat(served.toString()).doesNotContain(OpenApiDocument.MARKER);
        JsonNode keyType = served.at("/paths/~1kms~1v1~1keys/post/requestBody/content/application~1json/schema/properties/key_type/enum");
        List<String> types = new ArrayList<>();
        keyType.forEach(t -> types.add(t.asText()));
        assertThat(types).containsExactlyElementsOf(java.util.Arrays.stream(com.zeroui.kms.crypto.KeyType.values())
                .map(com.zeroui.kms.crypto.KeyType::apiName).toList());
        List<String> kty = new ArrayList<>();
        served.at("/components/schemas/Jwk/properties/kty/enum").forEach(t -> kty.add(t.asText()));
        assertThat(kty).containsExactly("RSA", "OKP", "AKP", "EC");
        List<String> crv = new ArrayList<>();
        served.at("/components/schemas/Jwk/properties/crv/enum").forEach(t -> crv.add(t.asText()));
        assertThat(crv).containsExactly("Ed25519", "P-256");
        List<String> batchOperations = new ArrayList<>();
        served.at("/paths/~1kms~1v1~1batch/post/requestBody/content/application~1json/schema/properties/items/items"
                + "/properties/operation/enum").forEach(t -> batchOperations.add(t.asText()));
        assertThat(batchOperations).as("the batch enum lists what POST /batch runs, not every key usage")
                .containsExactly("sign", "verify", "encrypt", "decrypt", "mac", "mac_verify");
        List<String> markers = new ArrayList<>();
        collectMarkers(read("/openapi.json"), markers);
        assertThat(OpenApiDocument.VOCABULARIES.keySet()).as("every marker names a vocabulary").containsAll(markers);
        assertThat(markers).as("the key-type enums are derived, not written out").contains("key_types",
                "signature_algorithms", "key_usages");
    }

    @Test
    void anUnknownMarkerFailsLoudly() {
        com.fasterxml.jackson.databind.node.ObjectNode node = new ObjectMapper().createObjectNode()
                .put(OpenApiDocument.MARKER, "no_such_vocabulary");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> OpenApiDocument.fill(node))
                .hasMessageContaining("no_such_vocabulary");
    }

    private static void collectMarkers(JsonNode node, List<String> out) {
        if (node.isObject() && node.has(OpenApiDocument.MARKER)) {
            out.add(node.get(OpenApiDocument.MARKER).asText());
        }
        node.forEach(child -> collectMarkers(child, out));
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
