package com.zeroui.kms.limits;

import static com.zeroui.kms.support.ErrorResponseAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zeroui.kms.ops.KmsConfig;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.MutableClock;
import com.zeroui.kms.support.PostgresDatabases;
import com.zeroui.kms.support.TestNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * access_policy.max_usage_per_day over mTLS on both stores: exact, 429 with Retry-After and the
 * next UTC midnight, reset by the day, and shared by two nodes on one database.
 */
@ParameterizedClass(name = "{0}")
@ValueSource(strings = {"sqlite", "postgresql"})
class UsageLimitsIT {
    static final String T = "t-usage";
    /** Fresh per store: certificates are issued at the node's clock and checked by TLS against the real one. */
    static MutableClock CLOCK;
    static PostgresDatabases.TempDatabase pg;
    static Path firstDir;
    static Path secondDir;
    static TestNode first;
    static TestNode second;
    static KmsClient onFirst;
    static KmsClient onSecond;

    @Parameter(0)
    String backend;

    @BeforeParameterizedClassInvocation
    static void start(String backend) {
        CLOCK = MutableClock.atRealNow();
        try {
            firstDir = Files.createTempDirectory("kms-usage-1-");
            secondDir = Files.createTempDirectory("kms-usage-2-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        UnaryOperator<KmsConfig.Builder> store;
        if (backend.equals("postgresql")) {
            pg = PostgresDatabases.create("UsageLimitsIT");
            store = cfg -> cfg.database(pg.url(), pg.user(), pg.password());
        } else {
            String url = "jdbc:sqlite:" + firstDir.resolve("kms.db");
            store = cfg -> cfg.database(url, null, null);
        }
        first = TestNode.startIn(firstDir, store, true, CLOCK);
        try {
            // a second node on the same database needs the same master key
            Files.copy(firstDir.resolve("master.key"), secondDir.resolve("master.key"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        second = TestNode.startIn(secondDir, store, true, CLOCK);
        onFirst = first.client("M21", T);
        onSecond = second.client("M21", T);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        second.close();
        first.close();
        if (pg != null) {
            pg.close();
            pg = null;
        }
    }

    static String keyWithDailyLimit(String type, long limit, String... usage) {
        ObjectNode body = KmsClient.scope(T, "dev", "tenant").put("key_type", type);
        var usages = body.putArray("key_usage");
        for (String u : usage) {
            usages.add(u);
        }
        body.putObject("access_policy").put("max_usage_per_day", limit);
        KmsClient.Response created = onFirst.post("/keys", body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.text("key_id");
    }

    /** Moves the clock forward to one minute before a UTC midnight at least a day ahead; returns that midnight. */
    static Instant oneMinuteBeforeMidnight() {
        LocalDate day = CLOCK.instant().plus(Duration.ofDays(1)).atZone(ZoneOffset.UTC).toLocalDate();
        Instant midnight = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        CLOCK.set(midnight.minusSeconds(60));
        return midnight;
    }

    static void assertOk(KmsClient.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    @Test
    void theDailyLimitIsExactAcrossOperationsAndResetsAtUtcMidnight() {
        String key = keyWithDailyLimit("Ed25519", 5, "sign", "verify");
        Instant midnight = oneMinuteBeforeMidnight();
        String signature = onFirst.sign(T, key, new byte[] {1}, null).text("signature");
        for (int i = 0; i < 2; i++) {
            assertOk(onFirst.sign(T, key, new byte[] {1}, null));
            assertOk(onFirst.verify(T, key, new byte[] {1}, signature, null));
        }
        KmsClient.Response sixth = onFirst.sign(T, key, new byte[] {1}, null);
        JsonNode error = assertError(sixth, 429, "RATE_LIMITED");
        assertThat(error.get("retryable").asBoolean()).isTrue();
        assertThat(error.at("/details/reason").asText()).isEqualTo("max_usage_per_day");
        assertThat(error.at("/details/limit").asLong()).isEqualTo(5);
        assertThat(error.at("/details/key_id").asText()).isEqualTo(key);
        assertThat(Instant.parse(error.at("/details/reset_at").asText())).isEqualTo(midnight);
        assertThat(sixth.headers().get("retry-after")).containsExactly("60");
        JsonNode receipt = first.admin().get("/receipts/" + error.at("/details/receipt_id").asText()).json().get("receipt");
        assertThat(receipt.get("operation").asText()).isEqualTo("signature_created");
        assertThat(receipt.at("/kms_context/error_code").asText()).isEqualTo("RATE_LIMITED");
        assertThat(receipt.at("/kms_context/key_id").asText()).isEqualTo(key);
        // still refused a second before midnight, allowed again after it
        CLOCK.advance(Duration.ofSeconds(59));
        assertThat(onFirst.sign(T, key, new byte[] {1}, null).headers().get("retry-after")).containsExactly("1");
        CLOCK.advance(Duration.ofSeconds(1));
        assertOk(onFirst.sign(T, key, new byte[] {1}, null));
    }

    @Test
    void encryptAndDecryptCountAgainstTheSameQuota() {
        String key = keyWithDailyLimit("AES-256", 2, "encrypt", "decrypt");
        oneMinuteBeforeMidnight();
        KmsClient.Response sealed = onFirst.encrypt(T, key, new byte[] {7}, null, null);
        assertOk(sealed);
        assertOk(onFirst.decrypt(T, key, sealed.text("ciphertext"), sealed.text("iv"), null, null));
        assertError(onFirst.decrypt(T, key, sealed.text("ciphertext"), sealed.text("iv"), null, null), 429, "RATE_LIMITED");
        assertError(onFirst.encrypt(T, key, new byte[] {7}, null, null), 429, "RATE_LIMITED");
    }

    @Test
    void twoNodesOnOneDatabaseShareTheQuota() {
        String key = keyWithDailyLimit("Ed25519", 5, "sign", "verify");
        oneMinuteBeforeMidnight();
        for (int i = 0; i < 3; i++) {
            assertOk(onFirst.sign(T, key, new byte[] {1}, null));
        }
        assertOk(onSecond.sign(T, key, new byte[] {1}, null));
        assertOk(onSecond.sign(T, key, new byte[] {1}, null));
        assertError(onFirst.sign(T, key, new byte[] {1}, null), 429, "RATE_LIMITED");
        assertError(onSecond.sign(T, key, new byte[] {1}, null), 429, "RATE_LIMITED");
    }

    @Test
    void theDefaultQuotaComesFromConfiguration() {
        KmsClient.Response created = onFirst.createKey(T, "Ed25519", "sign", "verify");
        assertThat(created.json().at("/access_policy/max_usage_per_day").asLong()).isEqualTo(100_000);
        assertThat(first.admin().get("/config").json().get("max_usage_per_day_default").asLong()).isEqualTo(100_000);
    }
}
