package com.zeroui.kms.api;

import static com.zeroui.kms.support.ErrorResponseAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.TestNode;
import com.zeroui.kms.ops.LimitsConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** POST /random through a real node: bounds, receipt, event, tenancy, rate limit. */
class RandomApiIT {
    static TestNode node;
    static KmsClient m21;
    static final String T = "tenant-r";

    @BeforeAll
    static void start() {
        node = TestNode.start();
        m21 = node.client("M21", T);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static ObjectNode request(String tenant, Object length) {
        ObjectNode body = KmsClient.scope(tenant, "dev", "tenant");
        if (length instanceof Integer n) {
            body.put("length", n);
        } else if (length != null) {
            body.put("length", length.toString());
        }
        return body;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 32, 1024})
    void returnsExactlyTheRequestedNumberOfBytesWithAReceipt(int length) {
        KmsClient.Response r = m21.post("/random", request(T, length));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(Base64.getDecoder().decode(r.text("random"))).hasSize(length);
        assertThat(r.json().get("length").asInt()).isEqualTo(length);
        String receiptId = r.text("receipt_id");
        assertThat(r.headers().get("x-kms-receipt-id")).containsExactly(receiptId);
        JsonNode receipt = m21.get("/receipts/" + receiptId).json().get("receipt");
        assertThat(receipt.get("operation").asText()).isEqualTo("random_generated");
        assertThat(receipt.get("tenant_id").asText()).isEqualTo(T);
        assertThat(receipt.toString()).doesNotContain(r.text("random"));
    }

    @Test
    void outputsDoNotRepeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            seen.add(m21.post("/random", request(T, 16)).text("random"));
        }
        assertThat(seen).hasSize(4);
    }

    @Test
    void badLengthsAreBadRequestsNamingTheField() {
        for (Object bad : new Object[] {0, 1025, -1, "32", null}) {
            JsonNode error = assertError(m21.post("/random", request(T, bad)), 400, "INVALID_REQUEST");
            assertThat(error.at("/details/field").asText()).as("length %s", bad).isEqualTo("length");
        }
        ObjectNode unknown = request(T, 8).put("bytes", 8);
        assertError(m21.post("/random", unknown), 400, "INVALID_REQUEST");
        assertError(m21.post("/random", request(T, 8).put("environment", "moon")), 400, "INVALID_REQUEST");
    }

    @Test
    void anotherTenantsScopeIsRefused() {
        assertError(m21.post("/random", request("other-tenant", 8)), 403, "UNAUTHORIZED");
    }

    @Test
    void eachCallIsAnnouncedWithItsLengthAndReceiptButNeverTheBytes() {
        KmsClient.Response r = m21.post("/random", request(T, 24));
        List<JsonNode> events = new ArrayList<>();
        m21.get("/events?limit=1000&after=0").json().get("events").forEach(e -> events.add(e.get("event")));
        JsonNode event = events.stream().filter(e -> e.get("event_type").asText().equals("random_generated")
                && e.at("/payload/operation_id").asText().equals(r.text("receipt_id"))).findFirst().orElseThrow();
        assertThat(event.at("/payload/length").asInt()).isEqualTo(24);
        assertThat(event.toString()).doesNotContain(r.text("random"));
    }

    @Test
    void theCallersRateLimitApplies() {
        try (TestNode limited = TestNode.start(c -> c.limits(
                new LimitsConfig(0, 0, 1.0 / 60, 2, 0, Duration.ofMinutes(1))))) {
            KmsClient burst = limited.client("M21", T);
            assertThat(burst.post("/random", request(T, 1)).status()).isEqualTo(200);
            assertThat(burst.post("/random", request(T, 1)).status()).isEqualTo(200);
            JsonNode error = assertError(burst.post("/random", request(T, 1)), 429, "RATE_LIMITED");
            assertThat(error.at("/details/scope").asText()).isEqualTo("caller");
        }
    }
}
