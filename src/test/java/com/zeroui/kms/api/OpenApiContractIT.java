package com.zeroui.kms.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.TestNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the served OpenAPI document in step with the registered routes and with the spec's contract
 * (src/test/resources/spec/kms-contract.yaml is the spec's OpenAPI block, copied verbatim): every
 * spec path, method, required field, property and enum value is present in ours; extras are allowed.
 */
class OpenApiContractIT {
    static TestNode node;
    static JsonNode served;
    static JsonNode spec;

    @BeforeAll
    static void start() throws IOException {
        node = TestNode.start();
        KmsClient.Response r = node.admin().get("/openapi.json");
        assertThat(r.status()).isEqualTo(200);
        served = r.json();
        try (InputStream in = OpenApiContractIT.class.getResourceAsStream("/spec/kms-contract.yaml")) {
            spec = new ObjectMapper(new YAMLFactory()).readTree(in);
        }
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void documentsExactlyTheRegisteredRoutes() {
        Set<String> documented = new HashSet<>();
        served.get("paths").fields().forEachRemaining(p -> p.getValue().fieldNames()
                .forEachRemaining(m -> documented.add(m.toUpperCase() + " " + p.getKey())));
        Set<String> registered = new HashSet<>();
        node.node().routes().forEach(r -> registered.add(r.method() + " " + r.path()));
        assertThat(documented).containsExactlyInAnyOrderElementsOf(registered);
    }

    @Test
    void containsEverySpecPathMethodAndOperationId() {
        spec.get("paths").fields().forEachRemaining(p -> p.getValue().fields().forEachRemaining(m -> {
            JsonNode ours = served.path("paths").path(p.getKey()).path(m.getKey());
            assertThat(ours.isMissingNode()).as("%s %s", m.getKey(), p.getKey()).isFalse();
            assertThat(ours.path("operationId").asText()).isEqualTo(m.getValue().path("operationId").asText());
        }));
    }

    @Test
    void requestAndResponseSchemasCoverTheSpec() {
        List<String> problems = new ArrayList<>();
        spec.get("paths").fields().forEachRemaining(p -> p.getValue().fields().forEachRemaining(m -> {
            JsonNode ours = served.path("paths").path(p.getKey()).path(m.getKey());
            String where = m.getKey().toUpperCase() + " " + p.getKey();
            compare(where + " request", m.getValue().path("requestBody").path("content").path("application/json").path("schema"),
                    ours.path("requestBody").path("content").path("application/json").path("schema"), problems);
            m.getValue().path("responses").fields().forEachRemaining(resp -> {
                JsonNode specContent = resp.getValue().path("content");
                specContent.fields().forEachRemaining(ct -> compare(where + " " + resp.getKey() + " " + ct.getKey(),
                        ct.getValue().path("schema"),
                        ours.path("responses").path(resp.getKey()).path("content").path(ct.getKey()).path("schema"), problems));
            });
        }));
        compare("ErrorResponse", spec.at("/components/schemas/ErrorResponse"), served.at("/components/schemas/ErrorResponse"),
                problems);
        assertThat(problems).isEmpty();
    }

    /** Spec schema ⊆ our schema: required fields, properties, types and enum values. */
    private void compare(String where, JsonNode specSchema, JsonNode ourSchema, List<String> problems) {
        if (specSchema.isMissingNode()) {
            return;
        }
        JsonNode ours = resolve(ourSchema);
        JsonNode theirs = resolve(specSchema);
        if (ours.isMissingNode()) {
            problems.add(where + ": schema missing");
            return;
        }
        if (theirs.has("type") && !theirs.get("type").equals(ours.get("type")) && !nullableAlike(theirs, ours)) {
            problems.add(where + ": type " + theirs.get("type") + " vs ours " + ours.get("type"));
        }
        for (JsonNode required : theirs.path("required")) {
            boolean present = false;
            for (JsonNode r : ours.path("required")) {
                present |= r.equals(required);
            }
            if (!present) {
                problems.add(where + ": required field " + required + " not required in ours");
            }
        }
        for (JsonNode value : theirs.path("enum")) {
            boolean present = false;
            for (JsonNode v : ours.path("enum")) {
                present |= v.equals(value);
            }
            if (!present) {
                problems.add(where + ": enum value " + value + " missing");
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = theirs.path("properties").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> property = it.next();
            compare(where + "." + property.getKey(), property.getValue(), ours.path("properties").path(property.getKey()),
                    problems);
        }
        compare(where + "[]", theirs.path("items"), ours.path("items"), problems);
    }

    /** Ours may also allow null: OpenAPI 3.1 spells that {@code type: [T, "null"]} (3.0 had {@code nullable: true}). */
    private static boolean nullableAlike(JsonNode theirs, JsonNode ours) {
        JsonNode type = ours.path("type");
        return type.isArray() && type.size() == 2
                && type.get(0).equals(theirs.get("type")) && type.get(1).asText().equals("null");
    }

    private JsonNode resolve(JsonNode schema) {
        if (schema.has("$ref")) {
            String ref = schema.get("$ref").asText().substring(1);
            JsonNode inServed = served.at(ref);
            return inServed.isMissingNode() ? spec.at(ref) : inServed;
        }
        return schema;
    }

    @Test
    void realResponsesCarryTheSpecsRequiredFields() {
        KmsClient m21 = node.client("M21", "t-oa");
        JsonNode created = m21.createKey("t-oa", "Ed25519", "sign", "verify").json();
        assertRequired("/kms/v1/keys", "post", "201", created);
        String keyId = created.get("key_id").asText();
        JsonNode signed = m21.sign("t-oa", keyId, new byte[] {1}, null).json();
        assertRequired("/kms/v1/sign", "post", "200", signed);
        assertRequired("/kms/v1/verify", "post", "200",
                m21.verify("t-oa", keyId, new byte[] {1}, signed.get("signature").asText(), null).json());
        String aes = m21.createKey("t-oa", "AES-256", "encrypt", "decrypt").text("key_id");
        JsonNode enc = m21.encrypt("t-oa", aes, new byte[] {1}, null, null).json();
        assertRequired("/kms/v1/encrypt", "post", "200", enc);
        assertRequired("/kms/v1/decrypt", "post", "200",
                m21.decrypt("t-oa", aes, enc.get("ciphertext").asText(), enc.get("iv").asText(), null, null).json());
        assertRequired("/kms/v1/health", "get", "200", node.anonymous().get("/health").json());
        JsonNode config = m21.get("/config").json();
        spec.at("/paths/~1kms~1v1~1config/get/responses/200/content/application~1json/schema/properties").fieldNames()
                .forEachRemaining(f -> assertThat(config.has(f)).as("config field %s", f).isTrue());
        assertThat(config.get("key_rotation_schedule").asText()).isEqualTo("P90D");
        assertThat(config.get("rotation_grace_period").asText()).isEqualTo("P7D");
        assertThat(config.get("crypto_provider").asText()).isNotBlank();
    }

    private void assertRequired(String path, String method, String status, JsonNode response) {
        JsonNode schema = spec.path("paths").path(path).path(method).path("responses").path(status).path("content")
                .path("application/json").path("schema");
        assertThat(schema.isMissingNode()).as("spec schema for %s %s %s", method, path, status).isFalse();
        for (JsonNode field : schema.path("required")) {
            assertThat(response.has(field.asText())).as("%s %s response has %s: %s", method, path, field, response).isTrue();
        }
    }
}
