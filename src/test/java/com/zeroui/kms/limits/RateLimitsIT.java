package com.zeroui.kms.limits;

import static com.zeroui.kms.support.ErrorResponseAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zeroui.kms.ops.LimitsConfig;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.TestNode;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Per-key and per-caller token buckets over mTLS: a burst goes through, then 429 with Retry-After and a receipt. */
class RateLimitsIT {
    static final String T = "t-rate";

    static KmsClient.Response sign(KmsClient c, String key) {
        return c.sign(T, key, new byte[] {1}, null);
    }

    static String sharedKey(KmsClient owner, String... modules) {
        ObjectNode body = KmsClient.scope(T, "dev", "tenant").put("key_type", "Ed25519");
        body.putArray("key_usage").add("sign").add("verify");
        var allowed = body.putObject("access_policy").putArray("allowed_modules");
        for (String m : modules) {
            allowed.add(m);
        }
        KmsClient.Response created = owner.post("/keys", body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.text("key_id");
    }

    @Test
    void aKeyTakesItsBurstThenIsRateLimitedWithRetryAfterAndAReceipt() {
        // one token a minute: the burst of 3 cannot refill during the test
        try (TestNode node = TestNode.start(cfg -> cfg.limits(new LimitsConfig(1.0 / 60, 3, 0, 0, 0, Duration.ofMinutes(1))))) {
            KmsClient m21 = node.client("M21", T);
            KmsClient m27 = node.client("M27", T);
            String key = sharedKey(m21, "M21", "M27");
            String other = sharedKey(m21, "M21");
            for (int i = 0; i < 3; i++) {
                assertThat(sign(i % 2 == 0 ? m21 : m27, key).status()).isEqualTo(200);
            }
            Instant before = Instant.now();
            KmsClient.Response limited = sign(m21, key);
            JsonNode error = assertError(limited, 429, "RATE_LIMITED");
            assertThat(error.get("retryable").asBoolean()).isTrue();
            assertThat(error.at("/details/reason").asText()).isEqualTo("rate_limit");
            assertThat(error.at("/details/scope").asText()).isEqualTo("key");
            assertThat(error.at("/details/key_id").asText()).isEqualTo(key);
            assertThat(error.at("/details/limit").asLong()).isEqualTo(3);
            long retryAfter = Long.parseLong(limited.headers().get("retry-after").get(0));
            assertThat(retryAfter).isBetween(55L, 60L);
            assertThat(Instant.parse(error.at("/details/reset_at").asText()))
                    .isBetween(before.plusSeconds(50), before.plusSeconds(61));
            JsonNode receipt = node.admin().get("/receipts/" + error.at("/details/receipt_id").asText()).json().get("receipt");
            assertThat(receipt.at("/kms_context/error_code").asText()).isEqualTo("RATE_LIMITED");
            // another caller is limited on this key too; another key is not
            assertError(sign(m27, key), 429, "RATE_LIMITED");
            assertThat(sign(m21, other).status()).isEqualTo(200);
            // policy comes before limits: a module outside allowed_modules is still a 403
            KmsClient m99 = node.client("M99", T);
            assertError(sign(m99, key), 403, "POLICY_VIOLATION");
        }
    }

    @Test
    void aCallerTakesItsBurstAcrossKeysThenIsRateLimited() {
        try (TestNode node = TestNode.start(cfg -> cfg.limits(new LimitsConfig(0, 0, 1.0 / 60, 2, 0, Duration.ofMinutes(1))))) {
            KmsClient m21 = node.client("M21", T);
            KmsClient m27 = node.client("M27", T);
            String a = sharedKey(m21, "M21", "M27");
            String b = sharedKey(m21, "M21", "M27");
            assertThat(sign(m21, a).status()).isEqualTo(200);
            assertThat(sign(m21, b).status()).isEqualTo(200);
            JsonNode error = assertError(sign(m21, a), 429, "RATE_LIMITED");
            assertThat(error.at("/details/scope").asText()).isEqualTo("caller");
            assertThat(error.at("/details/module_id").asText()).isEqualTo("M21");
            assertThat(error.at("/details/caller").asText()).isEqualTo("spiffe://zeroui.local/tenant/t-rate/module/M21");
            // the same key for another caller
            assertThat(sign(m27, a).status()).isEqualTo(200);
            JsonNode config = node.admin().get("/config").json();
            assertThat(config.at("/rate_limits/per_caller/burst").asLong()).isEqualTo(2);
            assertThat(config.at("/rate_limits/scope").asText()).isEqualTo("per node");
        }
    }

    @Test
    void policyViolationsAreCountedPerModule() {
        try (TestNode node = TestNode.start()) {
            KmsClient m21 = node.client("M21", T);
            KmsClient m99 = node.client("M99", T);
            String key = sharedKey(m21, "M21");
            for (int i = 0; i < 3; i++) {
                assertError(sign(m99, key), 403, "POLICY_VIOLATION");
            }
            String signOnly = m21.createKey(T, "Ed25519", "sign").text("key_id");
            assertError(m21.verify(T, signOnly, new byte[] {1}, "AAAA", null), 403, "POLICY_VIOLATION");
            String metrics = node.anonymous().get("/metrics").body();
            assertThat(value(metrics, "kms_policy_violations_total{module=\"M99\"}")).isEqualTo(3);
            assertThat(value(metrics, "kms_policy_violations_total{module=\"M21\"}")).isEqualTo(1);
        }
    }

    private static double value(String exposition, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(exposition);
        assertThat(m.find()).as("series %s in\n%s", series, exposition).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
