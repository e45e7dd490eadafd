package com.zeroui.kms.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zeroui.kms.support.KmsClient;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "A 201 means durable": the real server in a child JVM is SIGKILLed right after (or during) a
 * concurrent burst of key creations, restarted on the same data directory, and every key it
 * acknowledged must be there and must still work with the same key material.
 */
class CrashDurabilityIT {
    private static final String TENANT = "t-crash";
    private static final int THREADS = 8;
    private static final int PER_THREAD = 25;
    private static final List<KeySpec> TYPES = List.of(
            new KeySpec("RSA-2048", "sign", "verify"),
            new KeySpec("Ed25519", "sign", "verify"),
            new KeySpec("AES-256", "encrypt", "decrypt"));

    record KeySpec(String type, String... usage) {
    }

    /** What the server acknowledged with 201: the id, the type and the public key it promised. */
    record Acked(String keyId, String type, String publicKeyPem) {
    }

    @TempDir
    Path tmp;

    private final List<KmsProcess> processes = new ArrayList<>();
    private ExecutorService pool;

    @AfterEach
    void cleanUp() throws InterruptedException {
        if (pool != null) {
            pool.shutdownNow();
        }
        for (KmsProcess p : processes) {
            p.close();
        }
    }

    @Test
    void everyKeyAcknowledgedInABurstSurvivesSigkillAndStaysUsable() throws Exception {
        Path data = tmp.resolve("data");
        KmsProcess first = start(data);
        Queue<Acked> acked = new ConcurrentLinkedQueue<>();
        Queue<String> unexpected = new ConcurrentLinkedQueue<>();
        List<Future<?>> workers = burst(first.admin(), PER_THREAD, acked, unexpected, new AtomicBoolean());
        for (Future<?> worker : workers) {
            worker.get(10, TimeUnit.MINUTES);
        }
        first.kill(); // immediately after the last 201: nothing gets a chance to flush or checkpoint

        assertThat(unexpected).as("answers other than 201 while the server was healthy; the node printed:%n%s",
                new String(first.output(), java.nio.charset.StandardCharsets.UTF_8)).isEmpty();
        assertThat(acked).hasSize(THREADS * PER_THREAD);
        assertThat(acked.stream().map(Acked::keyId).distinct()).hasSize(THREADS * PER_THREAD);

        KmsProcess second = start(data);
        KmsClient admin = second.admin();
        assertAllPresentAndUsable(admin, acked);
        assertThat(storedKeyIds(admin)).containsExactlyInAnyOrderElementsOf(acked.stream().map(Acked::keyId).toList());
    }

    @Test
    void everyKeyAcknowledgedBeforeASigkillInTheMiddleOfABurstSurvives() throws Exception {
        Path data = tmp.resolve("data");
        KmsProcess first = start(data);
        Queue<Acked> acked = new ConcurrentLinkedQueue<>();
        Queue<String> unexpected = new ConcurrentLinkedQueue<>();
        AtomicBoolean killed = new AtomicBoolean();
        List<Future<?>> workers = burst(first.admin(), Integer.MAX_VALUE, acked, unexpected, killed);
        long deadline = System.currentTimeMillis() + 600_000;
        while (acked.size() < THREADS * PER_THREAD / 2 && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
        }
        killed.set(true);
        first.kill(); // requests are in flight: some committed and never answered, some never committed
        for (Future<?> worker : workers) {
            worker.get(2, TimeUnit.MINUTES);
        }

        assertThat(unexpected).as("answers other than 201 before the kill").isEmpty();
        assertThat(acked).hasSizeGreaterThanOrEqualTo(THREADS * PER_THREAD / 2);

        KmsProcess second = start(data);
        KmsClient admin = second.admin();
        assertAllPresentAndUsable(admin, acked);
        // Each worker had at most one request in flight: at most that many keys are stored but unacknowledged.
        Set<String> stored = storedKeyIds(admin);
        assertThat(stored).containsAll(acked.stream().map(Acked::keyId).toList());
        assertThat(stored.size()).isBetween(acked.size(), acked.size() + THREADS);
    }

    private KmsProcess start(Path data) throws Exception {
        KmsProcess p = KmsProcess.start(data, tmp.resolve("logs"), List.of());
        processes.add(p);
        return p;
    }

    /**
     * THREADS workers each create up to {@code perThread} keys of rotating types. A worker stops at
     * its first transport failure once {@code killed} is set; any other failure is recorded.
     */
    private List<Future<?>> burst(KmsClient admin, int perThread, Queue<Acked> acked, Queue<String> unexpected,
                                  AtomicBoolean killed) {
        pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            workers.add(pool.submit(() -> {
                go.await();
                for (int i = 0; i < perThread; i++) {
                    KeySpec spec = TYPES.get((thread + i) % TYPES.size());
                    KmsClient.Response r;
                    try {
                        r = admin.post("/keys", createRequest(spec));
                    } catch (UncheckedIOException e) {
                        if (!killed.get()) {
                            unexpected.add("transport failure before the kill: " + e);
                        }
                        return null;
                    }
                    if (r.status() == 201) {
                        acked.add(new Acked(r.text("key_id"), spec.type(), r.text("public_key")));
                    } else {
                        unexpected.add(r.status() + " " + r.body());
                    }
                }
                return null;
            }));
        }
        go.countDown();
        return workers;
    }

    private static ObjectNode createRequest(KeySpec spec) {
        ObjectNode body = KmsClient.scope(TENANT, "dev", "tenant").put("key_type", spec.type());
        var usage = body.putArray("key_usage");
        for (String u : spec.usage()) {
            usage.add(u);
        }
        body.putObject("access_policy").putArray("allowed_modules").add(DataDirectory.ADMIN_MODULE);
        return body;
    }

    private static void assertAllPresentAndUsable(KmsClient admin, Iterable<Acked> acked) throws Exception {
        for (Acked key : acked) {
            KmsClient.Response meta = admin.get("/keys/" + key.keyId() + "?tenant_id=" + TENANT);
            assertThat(meta.status()).as("GET %s after restart: %s", key.keyId(), meta.body()).isEqualTo(200);
            assertThat(meta.text("key_type")).isEqualTo(key.type());
            assertThat(meta.text("key_state")).isEqualTo("active");
            assertThat(meta.text("public_key")).as("public key of %s", key.keyId()).isEqualTo(key.publicKeyPem());
            if (key.type().equals("AES-256")) {
                assertEncryptDecrypt(admin, key);
            } else {
                assertSignVerify(admin, key);
            }
        }
    }

    /** The signature must verify under the public key acknowledged before the crash: same private key. */
    private static void assertSignVerify(KmsClient admin, Acked key) throws Exception {
        byte[] data = ("after restart " + key.keyId()).getBytes(StandardCharsets.UTF_8);
        KmsClient.Response signed = admin.sign(TENANT, key.keyId(), data, null);
        assertThat(signed.status()).as("sign with %s: %s", key.keyId(), signed.body()).isEqualTo(200);
        String signature = signed.text("signature");

        boolean rsa = key.type().equals("RSA-2048");
        PublicKey publicKey = KeyFactory.getInstance(rsa ? "RSA" : "Ed25519")
                .generatePublic(new X509EncodedKeySpec(pemBody(key.publicKeyPem())));
        Signature verifier = Signature.getInstance(rsa ? "SHA256withRSA" : "Ed25519");
        verifier.initVerify(publicKey);
        verifier.update(data);
        assertThat(verifier.verify(Base64.getDecoder().decode(signature)))
                .as("signature by %s verifies under the acknowledged public key", key.keyId()).isTrue();

        KmsClient.Response verified = admin.verify(TENANT, key.keyId(), data, signature, null);
        assertThat(verified.status()).as(verified.body()).isEqualTo(200);
        assertThat(verified.json().get("valid").asBoolean()).isTrue();
    }

    private static void assertEncryptDecrypt(KmsClient admin, Acked key) {
        byte[] plaintext = ("after restart " + key.keyId()).getBytes(StandardCharsets.UTF_8);
        KmsClient.Response enc = admin.encrypt(TENANT, key.keyId(), plaintext, null, null);
        assertThat(enc.status()).as("encrypt with %s: %s", key.keyId(), enc.body()).isEqualTo(200);
        KmsClient.Response dec = admin.decrypt(TENANT, key.keyId(), enc.text("ciphertext"), enc.text("iv"), null, null);
        assertThat(dec.status()).as("decrypt with %s: %s", key.keyId(), dec.body()).isEqualTo(200);
        assertThat(Base64.getDecoder().decode(dec.text("plaintext"))).isEqualTo(plaintext);
    }

    private static Set<String> storedKeyIds(KmsClient admin) {
        Set<String> ids = new HashSet<>();
        String cursor = null;
        do {
            KmsClient.Response page = admin.get("/keys?tenant_id=" + TENANT + "&limit=1000"
                    + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(page.status()).as(page.body()).isEqualTo(200);
            JsonNode body = page.json();
            body.get("keys").forEach(k -> ids.add(k.get("key_id").asText()));
            JsonNode next = body.get("next_cursor");
            cursor = next == null || next.isNull() ? null : next.asText();
        } while (cursor != null);
        return ids;
    }

    private static byte[] pemBody(String pem) {
        return Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
    }
}
