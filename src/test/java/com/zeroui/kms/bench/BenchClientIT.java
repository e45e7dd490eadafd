package com.zeroui.kms.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zeroui.kms.support.TestNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The bench transport over mutual TLS against a real node: admin requests with the data
 * directory's client certificate on kept-alive connections (one per concurrent caller), the
 * Prometheus text of /metrics, and the public health route from a client that presents no
 * certificate.
 */
class BenchClientIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void talksToARealNodeOverMutualTlsOnKeptAliveConnections() throws Exception {
        try (TestNode node = TestNode.start()) {
            Path tls = node.dataDir().resolve("tls");
            String url = "https://127.0.0.1:" + node.node().port();
            try (BenchClient admin = new BenchClient(url, ClientTls.fromPemFiles(tls.resolve("admin.pem"),
                    tls.resolve("admin.key"), tls.resolve("ca.pem")));
                 BenchClient anonymous = new BenchClient(url, ClientTls.trustOnly(tls.resolve("ca.pem")))) {
                JsonNode config = JSON.readTree(admin.require2xx(admin.getRequest("/config")));
                assertThat(config.path("crypto_provider").asText()).isNotBlank();

                String keyId = JSON.readTree(admin.require2xx(admin.postRequest("/keys",
                        BenchOperations.keyRequest("Ed25519", "sign", "verify").toString()))).get("key_id").asText();
                BenchClient.Request sign = admin.postRequest("/sign", JSON.createObjectNode()
                        .put("tenant_id", BenchOperations.TENANT).put("environment", "dev").put("plane", "tenant")
                        .put("key_id", keyId).put("data", Base64.getEncoder().encodeToString(new byte[32]))
                        .put("algorithm", "EdDSA").toString());
                for (int i = 0; i < 5; i++) {
                    assertThat(JSON.readTree(admin.require2xx(sign)).path("signature").asText()).isNotBlank();
                }
                assertThat(admin.idleConnections()).as("sequential requests share one connection").isEqualTo(1);

                int callers = 6;
                ExecutorService pool = Executors.newFixedThreadPool(callers);
                try {
                    List<Future<Integer>> done = new ArrayList<>();
                    for (int c = 0; c < callers; c++) {
                        done.add(pool.submit(() -> {
                            int ok = 0;
                            for (int i = 0; i < 20; i++) {
                                if (JSON.readTree(admin.require2xx(sign)).has("signature")) {
                                    ok++;
                                }
                            }
                            return ok;
                        }));
                    }
                    for (Future<Integer> f : done) {
                        assertThat(f.get()).isEqualTo(20);
                    }
                } finally {
                    pool.shutdownNow();
                }
                assertThat(admin.idleConnections()).as("no more connections than concurrent callers")
                        .isBetween(1, callers);

                BenchClient.Reply metrics = admin.send(admin.getRequest("/metrics"));
                assertThat(metrics.status()).isEqualTo(200);
                assertThat(metrics.body()).contains("process_cpu_seconds_total").endsWith("\n");
                assertThat(new ServerCounters(admin).read()).isPositive();

                BenchClient.Reply health = anonymous.send(anonymous.getRequest("/health"));
                assertThat(health.status()).as(health.body()).isEqualTo(200);
                BenchClient.Reply refused = anonymous.send(anonymous.getRequest("/config"));
                assertThat(refused.status()).as("an admin route without a client certificate").isBetween(400, 499);
            }
        }
    }
}
