package com.zeroui.kms.ha;

import com.fasterxml.jackson.databind.JsonNode;
import com.zeroui.kms.support.KmsClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Concurrent signing (and some key creation) against several nodes, recording every answer: what
 * was acknowledged (key ids, receipt ids), every 503, and every answer that breaks the failover
 * contract (anything but a 2xx or a retryable 503 DEPENDENCY_UNAVAILABLE, or no answer in time).
 */
final class SigningLoad implements AutoCloseable {
    static final long REQUEST_TIMEOUT_MS = 20_000;
    private static final byte[] DATA = "failover drill".getBytes(StandardCharsets.UTF_8);

    /** One finished request: which node, when it started and ended (System.nanoTime), its status. */
    record Outcome(int node, long startNanos, long endNanos, int status) {
        boolean ok() {
            return status / 100 == 2;
        }
    }

    private final String tenant;
    private final List<KmsClient> clients;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    final List<String> keys = new CopyOnWriteArrayList<>();
    final Queue<String> acknowledgedKeys = new ConcurrentLinkedQueue<>();
    final Queue<String> acknowledgedReceipts = new ConcurrentLinkedQueue<>();
    final Queue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    final Queue<String> violations = new ConcurrentLinkedQueue<>();

    SigningLoad(String tenant, List<KmsClient> clients, List<String> initialKeys) {
        this.tenant = tenant;
        this.clients = clients;
        this.keys.addAll(initialKeys);
    }

    void start(int threadsPerNode) {
        for (int node = 0; node < clients.size(); node++) {
            for (int t = 0; t < threadsPerNode; t++) {
                int n = node;
                Thread thread = new Thread(() -> work(n), "drill-load-" + node + "-" + t);
                thread.setDaemon(true);
                threads.add(thread);
                thread.start();
            }
        }
    }

    private void work(int node) {
        KmsClient client = clients.get(node);
        while (running.get()) {
            boolean create = ThreadLocalRandom.current().nextInt(20) == 0;
            long start = System.nanoTime();
            KmsClient.Response r;
            try {
                r = create ? client.createKey(tenant, "Ed25519", "sign", "verify")
                        : client.sign(tenant, keys.get(ThreadLocalRandom.current().nextInt(keys.size())), DATA, null);
            } catch (RuntimeException e) {
                violations.add("node " + node + ": no answer: " + e);
                outcomes.add(new Outcome(node, start, System.nanoTime(), 0));
                continue;
            }
            long end = System.nanoTime();
            outcomes.add(new Outcome(node, start, end, r.status()));
            if ((end - start) / 1_000_000 > REQUEST_TIMEOUT_MS) {
                violations.add("node " + node + ": answered after " + (end - start) / 1_000_000 + " ms");
            }
            if (r.status() / 100 == 2) {
                String receipt = r.text("receipt_id");
                if (receipt == null) {
                    violations.add("node " + node + ": " + r.status() + " without a receipt: " + r.body());
                } else {
                    acknowledgedReceipts.add(receipt);
                }
                if (create) {
                    String keyId = r.text("key_id");
                    acknowledgedKeys.add(keyId);
                    keys.add(keyId);
                }
            } else if (!isRetryableUnavailable(r)) {
                violations.add("node " + node + ": " + r.status() + " " + r.body());
            } else {
                pause(); // a client backing off (Retry-After), not a tight loop against a down store
            }
        }
    }

    private static boolean isRetryableUnavailable(KmsClient.Response r) {
        if (r.status() != 503) {
            return false;
        }
        try {
            JsonNode error = r.json();
            return error.path("code").asText().equals("DEPENDENCY_UNAVAILABLE") && error.path("retryable").asBoolean();
        } catch (AssertionError notJson) {
            return false;
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    long successes(int node) {
        return outcomes.stream().filter(o -> o.node() == node && o.ok()).count();
    }

    long unavailable(int node) {
        return outcomes.stream().filter(o -> o.node() == node && o.status() == 503).count();
    }

    /** Stops the workers and waits for their requests in flight. */
    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join(REQUEST_TIMEOUT_MS + 15_000);
        }
    }
}
