package com.zeroui.kms.api;

import static com.zeroui.kms.support.ErrorResponseAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.PostgresDatabases;
import com.zeroui.kms.support.TestNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL really goes away under a running node (the database stops accepting connections and
 * its sessions are killed): every storage-backed call is a retryable 503, health says so, and the
 * node recovers by itself once the database is back.
 */
class StorageOutageIT {
    static final String T = "tenant-outage";
    static final byte[] DATA = "during the outage".getBytes(StandardCharsets.UTF_8);
    static PostgresDatabases.TempDatabase db;
    static TestNode node;

    @BeforeAll
    static void start() {
        db = PostgresDatabases.create("StorageOutageIT");
        node = TestNode.start(cfg -> cfg.database(db.url(), db.user(), db.password()));
    }

    @AfterAll
    static void stop() {
        try {
            node.close();
        } finally {
            db.close(); // drops it whether or not it accepts connections
        }
    }

    @Test
    void outageIsRetryable503AndTheNodeRecoversWithoutRestart() {
        KmsClient m21 = node.client("M21", T);
        KmsClient admin = node.admin();
        String cachedKey = m21.createKey(T, "Ed25519", "sign", "verify").text("key_id");
        String uncachedKey = m21.createKey(T, "Ed25519", "sign", "verify").text("key_id");
        assertThat(m21.sign(T, cachedKey, DATA, null).status()).isEqualTo(200); // its material is now cached
        assertThat(health(admin).get("status").asText()).isEqualTo("healthy");

        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> log =
                new ch.qos.logback.core.read.ListAppender<>();
        log.start();
        root.addAppender(log);
        db.refuseConnections();
        try {
            assertUnavailable(m21.createKey(T, "Ed25519", "sign", "verify"));
            assertUnavailable(m21.get("/keys"));
            // Even cached material is not used without the key's current row (state, policy).
            assertUnavailable(m21.sign(T, cachedKey, DATA, null));
            assertUnavailable(m21.sign(T, uncachedKey, DATA, null));
            // health results are cached for up to a second (issue 11 §5), so the outage shows within one
            JsonNode health = eventually(() -> health(admin), h -> h.get("status").asText().equals("unhealthy"));
            assertThat(health.get("status").asText()).as(health.toString()).isEqualTo("unhealthy");
            assertThat(check(health, "storage").get("status").asText()).as(health.toString()).isEqualTo("fail");
            assertThat(check(health, "master_key").get("status").asText()).isEqualTo("pass");
        } finally {
            db.allowConnections();
            root.detachAppender(log);
        }
        // issue 11 §4: four failed requests are one line per kind of failure, with no stack trace
        List<ch.qos.logback.classic.spi.ILoggingEvent> answered503 = log.list.stream()
                .filter(e -> e.getLoggerName().equals(ErrorResponses.class.getName())).toList();
        assertThat(answered503).as("lines for four requests answered 503").hasSizeLessThanOrEqualTo(2)
                .allSatisfy(e -> assertThat(e.getThrowableProxy()).isNull());
        assertThat(log.list).as("no SQL in the log").noneMatch(e -> e.getFormattedMessage().matches(
                "(?s).*\\b(INSERT|SELECT|UPDATE|DELETE)\\b.*"));

        JsonNode recovered = eventually(() -> health(admin), h -> h.get("status").asText().equals("healthy"));
        assertThat(check(recovered, "storage").get("status").asText()).isEqualTo("pass");
        KmsClient.Response created = m21.createKey(T, "Ed25519", "sign", "verify");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        for (String keyId : new String[] {cachedKey, uncachedKey, created.text("key_id")}) {
            KmsClient.Response signed = m21.sign(T, keyId, DATA, null);
            assertThat(signed.status()).as(signed.body()).isEqualTo(200);
            KmsClient.Response verified = m21.verify(T, keyId, DATA, signed.text("signature"), null);
            assertThat(verified.json().get("valid").asBoolean()).isTrue();
        }
        assertThat(m21.get("/keys").json().get("keys")).hasSize(3);
    }

    private static void assertUnavailable(KmsClient.Response r) {
        JsonNode error = assertError(r, 503, "DEPENDENCY_UNAVAILABLE");
        assertThat(error.get("retryable").asBoolean()).as(r.body()).isTrue();
        assertThat(error.path("details").path("dependency").asText()).as(r.body()).isEqualTo("storage");
        assertThat(r.headers().get("retry-after")).as("Retry-After on %s", r.body()).isNotNull().isNotEmpty();
    }

    /** The health body; load balancers read the status code: 503 exactly when unhealthy (issue 11 §5). */
    private static JsonNode health(KmsClient client) {
        KmsClient.Response r = client.get("/health");
        assertThat(r.status()).as(r.body()).isEqualTo(r.json().get("status").asText().equals("unhealthy") ? 503 : 200);
        return r.json();
    }

    private static JsonNode check(JsonNode health, String name) {
        for (JsonNode c : health.get("checks")) {
            if (c.get("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no " + name + " check in " + health);
    }

    private static JsonNode eventually(Supplier<JsonNode> probe, java.util.function.Predicate<JsonNode> done) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        JsonNode last = probe.get();
        while (!done.test(last) && Instant.now().isBefore(deadline)) {
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            last = probe.get();
        }
        assertThat(done.test(last)).as("node did not recover: %s", last).isTrue();
        return last;
    }
}
