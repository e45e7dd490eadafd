package com.zeroui.kms.api;

import static com.zeroui.kms.support.ErrorResponseAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.TestNode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class OperationsIT {

    @Test
    void metricsCountRequestsErrorsLatencyAndKeys() {
        try (TestNode node = TestNode.start()) {
            KmsClient c = node.client("M21", "t-metrics");
            String key = c.createKey("t-metrics", "Ed25519", "sign", "verify").text("key_id");
            c.createKey("t-metrics", "AES-256", "encrypt");
            for (int i = 0; i < 3; i++) {
                c.sign("t-metrics", key, new byte[] {1}, null);
            }
            c.sign("t-metrics", "01900000-0000-7000-8000-000000000000", new byte[] {1}, null);
            String text = node.anonymous().get("/metrics").body();
            assertThat(value(text, "kms_requests_total{operation=\"sign\",status=\"200\"}")).isEqualTo(3);
            assertThat(value(text, "kms_requests_total{operation=\"sign\",status=\"404\"}")).isEqualTo(1);
            assertThat(value(text, "kms_request_errors_total{code=\"KEY_NOT_FOUND\"}")).isEqualTo(1);
            assertThat(value(text, "kms_operation_latency_ms_count{operation=\"sign\"}")).isEqualTo(4);
            assertThat(text).contains("kms_operation_latency_ms_bucket{operation=\"sign\",le=\"50.0\"}");
            // the tenant's key and the service's own receipt-, approval- and trust-bundle-signing keys
            assertThat(value(text, "kms_keys_total{key_state=\"active\",key_type=\"Ed25519\"}")).isEqualTo(4);
            assertThat(value(text, "kms_keys_total{key_state=\"active\",key_type=\"AES-256\"}")).isEqualTo(1);
        }
    }

    @Test
    void responsesAreNeitherCompressedNorTiedToAServletSession() {
        try (TestNode node = TestNode.start()) {
            // a large public document and a small authenticated answer, each asked for with gzip and a session cookie
            KmsClient.BinaryResponse openApi = node.anonymous().getBytes("/openapi.json",
                    "Accept-Encoding", "gzip, deflate, br", "Cookie", "JSESSIONID=node0abc.node0");
            assertThat(openApi.status()).isEqualTo(200);
            assertThat(openApi.header("Content-Encoding")).isNull(); // no BREACH-style length oracle
            assertThat(openApi.header("Set-Cookie")).isNull();
            assertThat(openApi.text()).startsWith("{").contains("\"openapi\"");
            KmsClient.BinaryResponse health = node.anonymous().getBytes("/health", "Accept-Encoding", "gzip");
            assertThat(health.header("Content-Encoding")).isNull();
            assertThat(health.header("Content-Length")).isEqualTo(String.valueOf(health.body().length));
            assertThat(health.header("Cache-Control")).isEqualTo("no-store");
            KmsClient.BinaryResponse keys = node.admin().getBytes("/keys?limit=1", "Accept-Encoding", "gzip",
                    "Cookie", "JSESSIONID=node0abc.node0");
            assertThat(keys.status()).isEqualTo(200);
            assertThat(keys.header("Content-Encoding")).isNull();
            assertThat(keys.header("Set-Cookie")).isNull();
            assertThat(keys.header("Cache-Control")).isEqualTo("no-store");
        }
    }

    private static double value(String exposition, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(exposition);
        assertThat(m.find()).as("series %s in\n%s", series, exposition).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void encryptionStopsAtThePerKeyLimitAndAsksForRotation() {
        try (TestNode node = TestNode.start(cfg -> cfg.aeadInvocationLimit(1030))) {
            KmsClient c = node.client("M21", "t-limit");
            String key = c.createKey("t-limit", "AES-256", "encrypt", "decrypt").text("key_id");
            KmsClient.Response last = null;
            for (int i = 0; i < 1030; i++) {
                last = c.encrypt("t-limit", key, new byte[] {(byte) i}, null, i % 2 == 0 ? null : "CHACHA20-POLY1305");
                assertThat(last.status()).as("encryption %d: %s", i, last.body()).isEqualTo(200);
            }
            var error = assertError(c.encrypt("t-limit", key, new byte[] {1}, null, null), 409, "KEY_INACTIVE");
            assertThat(error.get("message").asText()).contains("rotate");
            assertThat(error.get("details").get("limit").asLong()).isEqualTo(1030);
            assertThat(error.get("retryable").asBoolean()).isFalse();
            // existing ciphertexts stay decryptable
            assertThat(c.decrypt("t-limit", key, last.text("ciphertext"), last.text("iv"), null, "CHACHA20-POLY1305")
                    .status()).isEqualTo(200);
            assertThat(node.admin().get("/config").json().get("aead_invocation_limit_per_key").asLong()).isEqualTo(1030);
        }
    }

    @Test
    void limitCountsSurviveARestart() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("kms-limit-");
        try {
            String key;
            try (TestNode first = TestNode.startIn(dir, cfg -> cfg.aeadInvocationLimit(1500), false)) {
                KmsClient c = first.client("M21", "t");
                key = c.createKey("t", "AES-256", "encrypt").text("key_id");
                assertThat(c.encrypt("t", key, new byte[] {1}, null, null).status()).isEqualTo(200);
            }
            // the first node reserved a block of 1024 it never spent: a restart must not hand them out again
            try (TestNode second = TestNode.startIn(dir, cfg -> cfg.aeadInvocationLimit(1500), false)) {
                KmsClient c = second.client("M21", "t");
                int ok = 0;
                while (c.encrypt("t", key, new byte[] {1}, null, null).status() == 200) {
                    ok++;
                }
                assertThat(ok).isEqualTo(1500 - 1024);
            }
        } finally {
            TestNode.deleteTree(dir);
        }
    }
}
