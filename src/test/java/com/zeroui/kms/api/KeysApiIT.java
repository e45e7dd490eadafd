package com.zeroui.kms.api;

import static com.zeroui.kms.support.ErrorResponseAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.TestNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KeysApiIT {
    static TestNode node;
    static KmsClient c;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        c = node.client("M21", "t-keys");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @ParameterizedTest
    @CsvSource({"RSA-2048,2048,true", "Ed25519,256,true", "AES-256,256,false"})
    void createdKeyHasEveryKeyMetadataField(String type, int bits, boolean hasPublicKey) {
        KmsClient.Response r = type.equals("AES-256") ? c.createKey("t-keys", type, "encrypt", "decrypt")
                : c.createKey("t-keys", type, "sign", "verify");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        JsonNode k = r.json();
        for (String field : List.of("tenant_id", "environment", "plane", "key_id", "key_type", "key_usage", "public_key",
                "key_state", "created_at", "valid_from", "valid_until", "rotation_count", "access_policy")) {
            assertThat(k.has(field)).as("field %s in %s", field, r.body()).isTrue();
        }
        assertThat(k.get("key_type").asText()).isEqualTo(type);
        assertThat(k.get("key_state").asText()).isEqualTo("active");
        assertThat(k.get("key_size_bits").asInt()).isEqualTo(bits);
        assertThat(k.get("rotation_count").asInt()).isZero();
        assertThat(k.get("access_policy").get("allowed_modules")).extracting(JsonNode::asText).containsExactly("M21");
        if (hasPublicKey) {
            assertThat(k.get("public_key").asText()).startsWith("-----BEGIN PUBLIC KEY-----");
        } else {
            assertThat(k.get("public_key").isNull()).isTrue();
        }
        KmsClient.Response got = c.get("/keys/" + k.get("key_id").asText());
        assertThat(got.status()).isEqualTo(200);
        // the same metadata; each answer names its own receipt
        assertThat(got.text("receipt_id")).isNotEqualTo(k.get("receipt_id").asText());
        JsonNode gotWithout = ((ObjectNode) got.json()).without("receipt_id");
        JsonNode createdWithout = ((ObjectNode) k.deepCopy()).without("receipt_id");
        assertThat(gotWithout).isEqualTo(createdWithout);
    }

    @ParameterizedTest
    @CsvSource({"RSA-2048,encrypt", "Ed25519,decrypt", "AES-256,sign", "AES-256,verify"})
    void usageMustFitTheKeyType(String type, String usage) {
        var error = assertError(c.createKey("t-keys", type, usage), 400, "INVALID_REQUEST");
        assertThat(error.get("details").get("field").asText()).isEqualTo("key_usage");
    }

    @Test
    void aliasIsUniqueWithinTenantAndEnvironmentAndResolvesEverywhere() {
        ObjectNode body = KmsClient.scope("t-keys", "dev", "tenant").put("key_type", "Ed25519").put("key_alias", "signer-1");
        body.putArray("key_usage").add("sign").add("verify");
        String id = c.post("/keys", body).text("key_id");
        var dup = assertError(c.post("/keys", body), 400, "INVALID_REQUEST");
        assertThat(dup.get("details").get("field").asText()).isEqualTo("key_alias");
        assertThat(c.post("/keys", body.deepCopy().put("environment", "prod")).status()).isEqualTo(201);

        assertThat(c.get("/keys/alias/signer-1?environment=dev").text("key_id")).isEqualTo(id);
        assertError(c.get("/keys/alias/signer-1"), 400, "INVALID_REQUEST");
        assertThat(c.sign("t-keys", "alias/signer-1", new byte[] {1}, null).text("key_id")).isEqualTo(id);
        assertError(c.sign("t-keys", "alias/nope", new byte[] {1}, null), 404, "KEY_NOT_FOUND");
        assertThat(c.get("/keys?alias=signer-1&environment=dev").json().get("keys")).hasSize(1);
    }

    @Test
    void listFiltersAndPaginatesWithACursor() {
        KmsClient other = node.client("M21", "t-list");
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            created.add(other.createKey("t-list", "Ed25519", "sign", "verify").text("key_id"));
        }
        other.createKey("t-list", "AES-256", "encrypt");
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            KmsClient.Response page = other.get("/keys?key_type=Ed25519&limit=3" + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(page.status()).as(page.body()).isEqualTo(200);
            page.json().get("keys").forEach(k -> seen.add(k.get("key_id").asText()));
            cursor = page.json().get("next_cursor").isNull() ? null : page.json().get("next_cursor").asText();
            pages++;
        } while (cursor != null);
        assertThat(seen).containsExactlyElementsOf(created);
        assertThat(pages).isEqualTo(3);
        assertThat(other.get("/keys?key_type=AES-256").json().get("keys")).hasSize(1);
        assertThat(other.get("/keys?key_state=destroyed").json().get("keys")).isEmpty();
        assertThat(other.get("/keys?plane=laptop").json().get("keys")).isEmpty();
    }

    @Test
    void badListParametersNameTheParameter() {
        assertThat(assertError(c.get("/keys?key_type=DSA"), 400, "INVALID_REQUEST").get("details").get("field").asText())
                .isEqualTo("key_type");
        assertThat(assertError(c.get("/keys?limit=0"), 400, "INVALID_REQUEST").get("details").get("field").asText())
                .isEqualTo("limit");
        assertThat(assertError(c.get("/keys?limit=abc"), 400, "INVALID_REQUEST").get("details").get("field").asText())
                .isEqualTo("limit");
        assertThat(assertError(c.get("/keys?cursor=zzz"), 400, "INVALID_REQUEST").get("details").get("field").asText())
                .isEqualTo("cursor");
        assertThat(assertError(c.get("/keys?colour=red"), 400, "INVALID_REQUEST").get("details").get("field").asText())
                .isEqualTo("colour");
    }

    @Test
    void accessPolicyIsValidatedAndStored() {
        ObjectNode body = KmsClient.scope("t-keys", "dev", "tenant").put("key_type", "AES-256");
        body.putArray("key_usage").add("encrypt");
        ObjectNode policy = body.putObject("access_policy");
        policy.putArray("allowed_modules").add("M21").add("M29");
        policy.put("requires_approval", true).put("max_usage_per_day", 500);
        JsonNode created = c.post("/keys", body).json();
        assertThat(created.get("access_policy").get("allowed_modules")).extracting(JsonNode::asText).containsExactly("M21", "M29");
        assertThat(created.get("access_policy").get("requires_approval").asBoolean()).isTrue();
        assertThat(created.get("access_policy").get("max_usage_per_day").asLong()).isEqualTo(500);

        policy.put("max_usage_per_day", "many");
        assertThat(assertError(c.post("/keys", body), 400, "INVALID_REQUEST").get("details").get("field").asText())
                .isEqualTo("access_policy.max_usage_per_day");
        policy.put("max_usage_per_day", 5).put("colour", "red");
        assertThat(assertError(c.post("/keys", body), 400, "INVALID_REQUEST").get("details").get("field").asText())
                .isEqualTo("access_policy.colour");
        policy.remove("colour");
        policy.putArray("allowed_modules").add("bad module!");
        assertThat(assertError(c.post("/keys", body), 400, "INVALID_REQUEST").get("details").get("field").asText())
                .isEqualTo("access_policy.allowed_modules");
    }
}
