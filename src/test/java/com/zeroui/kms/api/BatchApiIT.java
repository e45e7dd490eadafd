package com.zeroui.kms.api;

import static com.zeroui.kms.support.ErrorResponseAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zeroui.kms.ops.LimitsConfig;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.TestNode;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** POST /batch through a real node: per-item results, errors, receipts and limits. */
class BatchApiIT {
    static TestNode node;
    static KmsClient m21;
    static final String T = "tenant-b";
    static final Base64.Encoder B64 = Base64.getEncoder();

    @BeforeAll
    static void start() {
        node = TestNode.start();
        m21 = node.client("M21", T);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static ObjectNode item(String operation) {
        return KmsClient.scope(T, "dev", "tenant").put("operation", operation);
    }

    static ObjectNode batch(ObjectNode... items) {
        ObjectNode body = KmsClient.JSON.createObjectNode();
        ArrayNode array = body.putArray("items");
        for (ObjectNode i : items) {
            array.add(i);
        }
        return body;
    }

    @Test
    void eachItemRunsAsItsOwnOperationWithItsOwnReceiptAndError() {
        String ed = m21.createKey(T, "Ed25519", "sign", "verify").text("key_id");
        String aes = m21.createKey(T, "AES-256", "encrypt", "decrypt").text("key_id");
        String data = B64.encodeToString("batch data".getBytes());
        String signature = m21.sign(T, ed, "batch data".getBytes(), null).text("signature");
        KmsClient.Response sealed = m21.encrypt(T, aes, "secret".getBytes(), null, null);
        KmsClient other = node.client("M22", "tenant-o");
        String foreign = other.createKey("tenant-o", "AES-256", "encrypt", "decrypt").text("key_id");

        KmsClient.Response r = m21.post("/batch", batch(
                item("sign").put("key_id", ed).put("data", data),
                item("verify").put("key_id", ed).put("data", data).put("signature", signature),
                item("encrypt").put("key_id", aes).put("plaintext", data),
                item("decrypt").put("ciphertext_blob", sealed.text("ciphertext_blob")),
                item("decrypt").put("key_id", aes).put("ciphertext", sealed.text("ciphertext")).put("iv", sealed.text("iv")),
                item("encrypt").put("key_id", foreign).put("plaintext", data),
                item("sign").put("key_id", ed).put("data", data).put("colour", "red"),
                item("mint").put("key_id", ed),
                item("decrypt").put("ciphertext_blob", B64.encodeToString(new byte[60]))));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode results = r.json().get("results");
        assertThat(results).hasSize(9);
        assertThat(r.json().get("succeeded").asInt()).isEqualTo(5);
        assertThat(r.json().get("failed").asInt()).isEqualTo(4);
        for (int i = 0; i < 9; i++) {
            assertThat(results.get(i).get("index").asInt()).isEqualTo(i);
        }
        assertThat(results.get(0).at("/result/signature").asText()).isNotEmpty();
        assertThat(results.get(1).at("/result/valid").asBoolean()).isTrue();
        assertThat(results.get(2).at("/result/ciphertext_blob").asText()).isNotEmpty();
        assertThat(Base64.getDecoder().decode(results.get(3).at("/result/plaintext").asText())).isEqualTo("secret".getBytes());
        assertThat(Base64.getDecoder().decode(results.get(4).at("/result/plaintext").asText())).isEqualTo("secret".getBytes());
        assertItemError(results.get(5), 404, "KEY_NOT_FOUND");
        assertThat(results.get(5).has("receipt_id")).as("a refused operation leaves its receipt").isTrue();
        assertThat(assertItemError(results.get(6), 400, "INVALID_REQUEST").at("/details/field").asText()).isEqualTo("colour");
        assertThat(assertItemError(results.get(7), 400, "INVALID_REQUEST").at("/details/field").asText()).isEqualTo("operation");
        assertThat(assertItemError(results.get(8), 400, "INVALID_REQUEST").get("message").asText())
                .isEqualTo("decryption failed: ciphertext, iv, aad or key do not match");

        Set<String> receipts = new HashSet<>();
        String[] operations = {"signature_created", "signature_verified", "encrypt", "decrypt", "decrypt"};
        for (int i = 0; i < 5; i++) {
            assertThat(results.get(i).get("status").asInt()).isEqualTo(200);
            String id = results.get(i).get("receipt_id").asText();
            receipts.add(id);
            JsonNode receipt = m21.get("/receipts/" + id).json().get("receipt");
            assertThat(receipt.get("operation").asText()).isEqualTo(operations[i]);
        }
        assertThat(receipts).hasSize(5);
        // the result of a batch item is what the operation's own route answers
        assertThat(results.get(0).get("result").has("receipt_id")).isFalse();
        assertThat(results.get(0).get("operation").asText()).isEqualTo("sign");
    }

    @Test
    void macItemsComputeAndVerifyTagsWithOneReceiptEach() {
        String hmac = m21.createKey(T, "HMAC-SHA256", "mac", "mac_verify").text("key_id");
        String data = B64.encodeToString("batch mac".getBytes());
        String tag = m21.post("/mac", KmsClient.scope(T, "dev", "tenant").put("key_id", hmac).put("data", data)).text("mac");
        byte[] wrong = Base64.getDecoder().decode(tag);
        wrong[0] ^= 1;

        KmsClient.Response r = m21.post("/batch", batch(
                item("mac").put("key_id", hmac).put("data", data),
                item("mac_verify").put("key_id", hmac).put("data", data).put("mac", tag),
                item("mac_verify").put("key_id", hmac).put("data", data).put("mac", B64.encodeToString(wrong)),
                item("mac").put("key_id", hmac).put("data", data).put("signature", tag),
                item("mac_verify").put("key_id", hmac).put("data", data)));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode results = r.json().get("results");
        assertThat(results.get(0).at("/result/mac").asText()).as("the same tag as POST /mac").isEqualTo(tag);
        assertThat(results.get(0).at("/result/algorithm").asText()).isEqualTo("HMAC-SHA256");
        assertThat(results.get(1).at("/result/valid").asBoolean()).isTrue();
        assertThat(results.get(2).at("/result/valid").asBoolean()).as("a wrong tag is valid=false, not an error").isFalse();
        assertThat(assertItemError(results.get(3), 400, "INVALID_REQUEST").at("/details/field").asText())
                .isEqualTo("signature");
        assertThat(assertItemError(results.get(4), 400, "INVALID_REQUEST").at("/details/field").asText()).isEqualTo("mac");
        assertThat(r.json().get("succeeded").asInt()).isEqualTo(3);
        String[] operations = {"mac_created", "mac_verified", "mac_verified"};
        Set<String> receipts = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            String id = results.get(i).get("receipt_id").asText();
            receipts.add(id);
            JsonNode receipt = m21.get("/receipts/" + id).json().get("receipt");
            assertThat(receipt.get("operation").asText()).isEqualTo(operations[i]);
            assertThat(receipt.at("/kms_context/key_id").asText()).isEqualTo(hmac);
        }
        assertThat(receipts).hasSize(3);
    }

    private static JsonNode assertItemError(JsonNode result, int status, String code) {
        assertThat(result.get("status").asInt()).as(result.toString()).isEqualTo(status);
        JsonNode error = result.get("error");
        assertThat(error.get("code").asText()).as(result.toString()).isEqualTo(code);
        assertThat(error.get("retryable").isBoolean()).isTrue();
        assertThat(result.has("result")).isFalse();
        return error;
    }

    @Test
    void theEnvelopeMustHold1To100Items() {
        String ed = m21.createKey(T, "Ed25519", "sign", "verify").text("key_id");
        ObjectNode[] many = new ObjectNode[101];
        for (int i = 0; i < many.length; i++) {
            many[i] = item("sign").put("key_id", ed).put("data", "AA==");
        }
        assertThat(assertError(m21.post("/batch", batch(many)), 400, "INVALID_REQUEST").at("/details/field").asText())
                .isEqualTo("items");
        assertError(m21.post("/batch", batch()), 400, "INVALID_REQUEST");
        assertError(m21.post("/batch", KmsClient.JSON.createObjectNode()), 400, "INVALID_REQUEST");
        assertError(m21.post("/batch", KmsClient.JSON.createObjectNode().put("items", "sign")), 400, "INVALID_REQUEST");
        assertError(m21.post("/batch", batch(item("sign")).put("atomic", true)), 400, "INVALID_REQUEST");
        KmsClient.Response hundred = m21.post("/batch", batch(java.util.Arrays.copyOf(many, 100)));
        assertThat(hundred.status()).as(hundred.body()).isEqualTo(200);
        assertThat(hundred.json().get("succeeded").asInt()).isEqualTo(100);
        KmsClient.Response notObject = m21.post("/batch", "{\"items\":[1]}");
        assertThat(notObject.status()).isEqualTo(200);
        assertItemError(notObject.json().at("/results/0"), 400, "INVALID_REQUEST");
    }

    @Test
    void limitsAndQuotasCountEachItem() {
        try (TestNode limited = TestNode.start(c -> c.limits(new LimitsConfig(0, 0, 1.0 / 60, 3, 0, Duration.ofMinutes(1))))) {
            KmsClient c = limited.client("M21", T);
            String ed = c.createKey(T, "Ed25519", "sign", "verify").text("key_id");
            ObjectNode[] items = new ObjectNode[5];
            for (int i = 0; i < items.length; i++) {
                items[i] = item("sign").put("key_id", ed).put("data", "AA==");
            }
            JsonNode results = c.post("/batch", batch(items)).json().get("results");
            assertThat(results.get(2).get("status").asInt()).isEqualTo(200);
            assertItemError(results.get(3), 429, "RATE_LIMITED");
            assertItemError(results.get(4), 429, "RATE_LIMITED");
            assertThat(results.get(3).at("/error/retryable").asBoolean()).isTrue();
        }
    }
}
