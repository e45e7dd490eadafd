package com.zeroui.kms.events;

import static com.zeroui.kms.support.ErrorResponseAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.TestNode;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Events are written with the operations they describe and read back through the tenant-scoped pull feed. */
public class EventFeedIT {
    static TestNode node;
    static KmsClient acme;
    static KmsClient acmeOther;
    static KmsClient globex;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        acme = node.client("M21", "acme");
        acmeOther = node.client("M40", "acme");
        globex = node.client("M21", "globex");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void keyGenerationSigningAndVerificationAreAnnouncedInTheEnvelope() {
        String cursor = latestCursor(acme);
        String keyId = acme.createKey("acme", "Ed25519", "sign", "verify").text("key_id");
        KmsClient.Response signed = acme.sign("acme", keyId, "hello".getBytes(), null);
        KmsClient.Response verified = acme.verify("acme", keyId, "hello".getBytes(), signed.text("signature"), null);
        KmsClient.Response rejected = acme.verify("acme", keyId, "other".getBytes(), signed.text("signature"), null);

        List<JsonNode> events = eventsAfter(acme, cursor);
        assertThat(events).extracting(e -> e.get("event_type").asText())
                .containsExactly("key_generated", "signature_created", "signature_verified", "signature_verified");
        for (JsonNode e : events) {
            assertThat(e.get("event_id").asText()).matches("[0-9a-f-]{36}");
            assertThat(e.get("tenant_id").asText()).isEqualTo("acme");
            assertThat(e.get("environment").asText()).isEqualTo("dev");
            assertThat(e.get("plane").asText()).isEqualTo("tenant");
            assertThat(e.get("source_module").asText()).isEqualTo("M33");
            assertThat(e.get("ts").asText()).endsWith("Z");
            assertThat(e.get("payload").get("key_id").asText()).isEqualTo(keyId);
        }
        JsonNode generated = events.get(0).get("payload");
        assertThat(generated.get("key_type").asText()).isEqualTo("Ed25519");
        assertThat(generated.get("key_usage")).extracting(JsonNode::asText).containsExactly("sign", "verify");
        assertThat(generated.get("key_state").asText()).isEqualTo("active");
        JsonNode created = events.get(1).get("payload");
        assertThat(created.get("algorithm").asText()).isEqualTo("EdDSA");
        assertThat(created.get("operation_id").asText()).as("operation_id is the receipt id")
                .isEqualTo(signed.text("receipt_id"));
        assertThat(events.get(2).get("payload").get("valid").asBoolean()).isTrue();
        assertThat(events.get(2).get("payload").get("operation_id").asText()).isEqualTo(verified.text("receipt_id"));
        assertThat(events.get(3).get("payload").get("valid").asBoolean()).isFalse();
        assertThat(events.get(3).get("payload").get("operation_id").asText()).isEqualTo(rejected.text("receipt_id"));
    }

    @Test
    void aPolicyViolationLeavesAFailedReceiptAndAnEvent() {
        String cursor = latestCursor(acme);
        String keyId = acme.createKey("acme", "RSA-2048", "sign", "verify").text("key_id");
        KmsClient.Response refused = acmeOther.sign("acme", keyId, new byte[] {1}, null);
        JsonNode error = assertError(refused, 403, "POLICY_VIOLATION");
        String receiptId = error.get("details").get("receipt_id").asText();

        JsonNode receipt = node.admin().get("/receipts/" + receiptId).json().get("receipt");
        assertThat(receipt.get("kms_context").get("success").asBoolean()).isFalse();
        assertThat(receipt.get("kms_context").get("error_code").asText()).isEqualTo("POLICY_VIOLATION");

        List<JsonNode> events = eventsAfter(acme, cursor);
        assertThat(events).extracting(e -> e.get("event_type").asText()).containsExactly("key_generated", "policy_violation");
        JsonNode violation = events.get(1).get("payload");
        assertThat(violation.get("key_id").asText()).isEqualTo(keyId);
        assertThat(violation.get("operation_type").asText()).isEqualTo("sign");
        assertThat(violation.get("operation_id").asText()).isEqualTo(receiptId);
        assertThat(violation.get("requesting_module").asText()).isEqualTo("M40");
        assertThat(violation.get("error_code").asText()).isEqualTo("POLICY_VIOLATION");
    }

    @Test
    void eachTenantSeesOnlyItsOwnEventsAndTheAdminSeesAll() {
        String acmeCursor = latestCursor(acme);
        String globexCursor = latestCursor(globex);
        String adminCursor = latestCursor(node.admin());
        String acmeKey = acme.createKey("acme", "AES-256", "encrypt", "decrypt").text("key_id");
        String globexKey = globex.createKey("globex", "AES-256", "encrypt", "decrypt").text("key_id");

        assertThat(eventsAfter(acme, acmeCursor)).extracting(e -> e.get("payload").get("key_id").asText())
                .containsExactly(acmeKey);
        assertThat(eventsAfter(globex, globexCursor)).extracting(e -> e.get("payload").get("key_id").asText())
                .containsExactly(globexKey);
        assertThat(eventsAfter(node.admin(), adminCursor)).extracting(e -> e.get("payload").get("key_id").asText())
                .contains(acmeKey, globexKey);
        assertThat(node.admin().get("/events?tenant_id=globex&after=" + globexCursor).json().get("events"))
                .extracting(e -> e.get("event").get("payload").get("key_id").asText()).containsExactly(globexKey);
        assertError(acme.get("/events?tenant_id=globex"), 403, "UNAUTHORIZED");
    }

    @Test
    void theCursorPagesThroughInOrderAndStaysPutWhenNothingIsNew() {
        String start = latestCursor(acme);
        String keyId = acme.createKey("acme", "Ed25519", "sign", "verify").text("key_id");
        for (int i = 0; i < 4; i++) {
            acme.sign("acme", keyId, new byte[] {(byte) i}, null);
        }
        JsonNode first = acme.get("/events?limit=2&after=" + start).json();
        assertThat(first.get("events")).hasSize(2);
        JsonNode second = acme.get("/events?limit=2&after=" + first.get("next_cursor").asText()).json();
        JsonNode third = acme.get("/events?limit=2&after=" + second.get("next_cursor").asText()).json();
        JsonNode empty = acme.get("/events?limit=2&after=" + third.get("next_cursor").asText()).json();
        List<Long> cursors = new ArrayList<>();
        for (JsonNode page : List.of(first, second, third)) {
            page.get("events").forEach(e -> cursors.add(Long.parseLong(e.get("cursor").asText())));
        }
        assertThat(cursors).hasSize(5).isSorted().doesNotHaveDuplicates();
        assertThat(empty.get("events")).isEmpty();
        assertThat(empty.get("next_cursor").asText()).isEqualTo(third.get("next_cursor").asText());
    }

    @Test
    void badFeedParametersAreClientErrors() {
        assertError(acme.get("/events?after=abc"), 400, "INVALID_REQUEST");
        assertError(acme.get("/events?after=-1"), 400, "INVALID_REQUEST");
        assertError(acme.get("/events?limit=0"), 400, "INVALID_REQUEST");
        assertError(acme.get("/events?limit=1001"), 400, "INVALID_REQUEST");
        assertError(acme.get("/events?since=1"), 400, "INVALID_REQUEST");
        assertError(node.anonymous().get("/events"), 401, "UNAUTHENTICATED");
    }

    @Test
    void highRateEventsCanBeSwitchedOff() {
        try (TestNode quiet = TestNode.start(cfg -> cfg.events(cfg.events().withEnabled(
                EnumSet.complementOf(EnumSet.of(EventType.SIGNATURE_CREATED, EventType.SIGNATURE_VERIFIED)))))) {
            KmsClient c = quiet.client("M21", "acme");
            String keyId = c.createKey("acme", "Ed25519", "sign", "verify").text("key_id");
            String sig = c.sign("acme", keyId, new byte[] {1}, null).text("signature");
            assertThat(c.verify("acme", keyId, new byte[] {1}, sig, null).status()).isEqualTo(200);
            // the tenant's own events (its feed also carries the seeded internal root's GLOBAL trust_anchor_updated)
            assertThat(eventsAfter(c, "0")).filteredOn(e -> e.get("tenant_id").asText().equals("acme"))
                    .extracting(e -> e.get("event_type").asText()).containsExactly("key_generated");
            assertThat(quiet.admin().get("/config").json().get("events").get("enabled"))
                    .extracting(JsonNode::asText).doesNotContain("signature_created", "signature_verified")
                    .contains("key_generated", "policy_violation");
        }
    }

    public static String latestCursor(KmsClient client) {
        String cursor = "0";
        while (true) {
            JsonNode page = client.get("/events?limit=1000&after=" + cursor).json();
            String next = page.get("next_cursor").asText();
            if (next.equals(cursor)) {
                return cursor;
            }
            cursor = next;
        }
    }

    public static List<JsonNode> eventsAfter(KmsClient client, String cursor) {
        JsonNode page = client.get("/events?limit=1000&after=" + cursor).json();
        List<JsonNode> out = new ArrayList<>();
        page.get("events").forEach(e -> out.add(e.get("event")));
        return out;
    }

}
