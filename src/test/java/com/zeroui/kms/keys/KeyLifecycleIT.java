package com.zeroui.kms.keys;

import static com.zeroui.kms.support.ErrorResponseAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zeroui.kms.ops.LifecycleConfig;
import com.zeroui.kms.store.JdbcKeyRepository;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.MutableClock;
import com.zeroui.kms.support.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Rotation, revocation and destruction through the real server, with time driven by a clock the
 * test moves: the spec's "rotation without data loss, historical data decryptable within grace".
 */
class KeyLifecycleIT {
    private MutableClock clock;
    private TestNode node;
    private KmsClient m21;

    @BeforeEach
    void start() {
        clock = MutableClock.atRealNow();
        // the periodic scheduler stays out of the way; tests run it when they mean to
        node = TestNode.start(clock, cfg -> cfg.lifecycle(new LifecycleConfig(30, Duration.ofDays(1), true))
                .approvals(LifecycleApprovalsIT.NO_ALWAYS_REQUIRED_APPROVALS));
        m21 = node.client("M21", "acme");
    }

    @AfterEach
    void stop() {
        node.close();
    }

    @Test
    void dataSignedAndEncryptedBeforeARotationStaysUsableThroughGraceAndArchive() {
        String signer = create("RSA-2048", "signer", "sign", "verify");
        String sealer = create("AES-256", "sealer", "encrypt", "decrypt");
        byte[] message = "invoice 42".getBytes();
        String oldSignature = m21.sign("acme", "alias/signer", message, null).text("signature");
        KmsClient.Response sealed = m21.encrypt("acme", "alias/sealer", "secret".getBytes(), null, null);

        JsonNode rotated = post("/keys/alias/signer/rotate", body().put("environment", "dev")).json();
        String newSigner = rotated.get("key").get("key_id").asText();
        assertThat(newSigner).isNotEqualTo(signer);
        assertThat(rotated.get("key").get("key_alias").asText()).isEqualTo("signer");
        assertThat(rotated.get("key").get("rotation_count").asInt()).isEqualTo(1);
        assertThat(rotated.get("key").get("predecessor_key_id").asText()).isEqualTo(signer);
        assertThat(rotated.get("previous_key").get("key_state").asText()).isEqualTo("pending_rotation");
        assertThat(rotated.get("previous_key").get("successor_key_id").asText()).isEqualTo(newSigner);
        assertThat(rotated.get("previous_key").get("valid_until").asText())
                .isEqualTo(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS).plus(Duration.ofDays(7)).toString());
        String newSealer = post("/keys/" + sealer + "/rotate", body()).json().get("key").get("key_id").asText();

        // new operations through the alias use the successor; the old key no longer signs or encrypts
        assertThat(m21.sign("acme", "alias/signer", message, null).text("key_id")).isEqualTo(newSigner);
        assertThat(m21.encrypt("acme", "alias/sealer", new byte[] {1}, null, null).text("key_id")).isEqualTo(newSealer);
        assertError(m21.sign("acme", signer, message, null), 409, "KEY_INACTIVE");
        assertError(m21.encrypt("acme", sealer, new byte[] {1}, null, null), 409, "KEY_INACTIVE");
        assertError(post("/keys/" + signer + "/rotate", body()), 409, "KEY_INACTIVE");

        // grace period: historical data verifies and decrypts
        assertHistoricalDataWorks(signer, message, oldSignature, sealer, sealed);

        // after grace: archived (even before the scheduler writes it down), still historical-only
        clock.advance(Duration.ofDays(7).plusSeconds(1));
        assertThat(m21.get("/keys/" + signer).json().get("key_state").asText()).isEqualTo("archived");
        assertHistoricalDataWorks(signer, message, oldSignature, sealer, sealed);
        assertThat(node.node().runLifecycle().archived()).isEqualTo(2);
        assertThat(stored(signer).state()).isEqualTo(KeyState.ARCHIVED);
        assertHistoricalDataWorks(signer, message, oldSignature, sealer, sealed);
        assertError(m21.sign("acme", signer, message, null), 409, "KEY_INACTIVE");

        List<JsonNode> rotations = events("key_rotated");
        assertThat(rotations).hasSize(2);
        assertThat(rotations.get(0).get("payload").get("old_key_id").asText()).isEqualTo(signer);
        assertThat(rotations.get(0).get("payload").get("new_key_id").asText()).isEqualTo(newSigner);
        assertThat(rotations.get(0).get("payload").get("rotation_ts").asText()).endsWith("Z");
    }

    private void assertHistoricalDataWorks(String signer, byte[] message, String signature, String sealer,
                                           KmsClient.Response sealed) {
        KmsClient.Response verified = m21.verify("acme", signer, message, signature, null);
        assertThat(verified.status()).as(verified.body()).isEqualTo(200);
        assertThat(verified.json().get("valid").asBoolean()).isTrue();
        KmsClient.Response opened = m21.decrypt("acme", sealer, sealed.text("ciphertext"), sealed.text("iv"), null, null);
        assertThat(opened.status()).as(opened.body()).isEqualTo(200);
        assertThat(Base64.getDecoder().decode(opened.text("plaintext"))).isEqualTo("secret".getBytes());
    }

    @Test
    void scheduledRotationRotatesKeysPastTheirScheduleExactlyOnce() {
        String old = create("Ed25519", "ledger", "sign", "verify");
        ObjectNode quick = KmsClient.scope("acme", "dev", "tenant").put("key_type", "Ed25519").put("rotation_period", "P10D");
        quick.putArray("key_usage").add("sign");
        String quickKey = m21.post("/keys", quick).text("key_id");
        assertThat(m21.get("/keys/" + quickKey).json().get("rotation_period").asText()).isEqualTo("P10D");

        clock.advance(Duration.ofDays(11));
        LifecycleSchedulerRun first = run();
        assertThat(first.rotated).isEqualTo(1);
        assertThat(stored(quickKey).state()).isEqualTo(KeyState.PENDING_ROTATION);
        assertThat(stored(old).state()).isEqualTo(KeyState.ACTIVE);
        assertThat(run().rotated).as("nothing is due twice").isZero();

        clock.advance(Duration.ofDays(80)); // 91 days: the default P90D schedule
        assertThat(run().rotated).isEqualTo(1);
        String successor = stored(old).lifecycle().successorKeyId();
        assertThat(m21.sign("acme", "alias/ledger", new byte[] {1}, null).text("key_id")).isEqualTo(successor);
        assertThat(events("key_rotated")).hasSize(2);
        JsonNode receipts = node.admin().get("/audit/receipts?operation=key_rotated").json().get("receipts");
        assertThat(receipts).hasSize(2).allSatisfy(r -> {
            assertThat(r.get("receipt").get("requesting_module").asText()).isEqualTo("@kms");
            assertThat(r.get("receipt").get("kms_context").get("success").asBoolean()).isTrue();
        });
    }

    @Test
    void revocationIsImmediateAndAnnounced() {
        String key = create("Ed25519", null, "sign", "verify");
        String signature = m21.sign("acme", key, new byte[] {7}, null).text("signature");
        assertError(post("/keys/" + key + "/revoke", body().put("reason", "stolen")), 400, "INVALID_REQUEST");
        assertError(post("/keys/" + key + "/revoke", body()), 400, "INVALID_REQUEST");
        JsonNode revoked = post("/keys/" + key + "/revoke", body().put("reason", "compromised")).json();
        assertThat(revoked.get("key_state").asText()).isEqualTo("revoked");
        assertThat(revoked.get("revocation_reason").asText()).isEqualTo("compromised");

        assertError(m21.sign("acme", key, new byte[] {7}, null), 409, "KEY_REVOKED");
        assertError(m21.verify("acme", key, new byte[] {7}, signature, null), 409, "KEY_REVOKED");
        assertError(post("/keys/" + key + "/revoke", body().put("reason", "retired")), 409, "KEY_REVOKED");
        assertError(post("/keys/" + key + "/rotate", body()), 409, "KEY_REVOKED");
        assertThat(m21.get("/keys/" + key).status()).isEqualTo(200);

        JsonNode event = events("key_revoked").get(0).get("payload");
        assertThat(event.get("key_id").asText()).isEqualTo(key);
        assertThat(event.get("revocation_reason").asText()).isEqualTo("compromised");
        assertThat(event.get("revoked_at").asText()).isEqualTo(revoked.get("revoked_at").asText());
    }

    @Test
    void lifecycleOperationsFollowTheKeysPolicyAndTenant() {
        String key = create("Ed25519", null, "sign", "verify");
        assertError(node.client("M40", "acme").post("/keys/" + key + "/revoke", body().put("reason", "retired")),
                403, "POLICY_VIOLATION");
        assertError(node.client("M21", "globex").post("/keys/" + key + "/rotate", body()), 404, "KEY_NOT_FOUND");
        assertError(node.client("M21", "globex").post("/keys/" + key + "/rotate", body().put("tenant_id", "acme")),
                403, "UNAUTHORIZED");
        // the admin may act on any key: incident response must not wait for the owning module
        assertThat(node.admin().post("/keys/" + key + "/revoke", body().put("reason", "compromised")).status())
                .isEqualTo(200);
    }

    @Test
    void destructionWaitsCanBeCancelledAndThenErasesTheMaterialForGood() throws Exception {
        String key = create("AES-256", "doomed", "encrypt", "decrypt");
        KmsClient.Response sealed = m21.encrypt("acme", key, "old secret".getBytes(), null, null);
        byte[] wrapped = stored(key).wrappedMaterial();
        assertThat(occurrencesIn(node.dataDir(), wrapped)).as("the wrapped material is in the store").isPositive();

        assertError(post("/keys/" + key + "/schedule-destruction", body().put("waiting_period_days", 6)), 400,
                "INVALID_REQUEST");
        assertError(post("/keys/" + key + "/schedule-destruction", body().put("waiting_period_days", 31)), 400,
                "INVALID_REQUEST");
        JsonNode scheduled = post("/keys/" + key + "/schedule-destruction", body().put("waiting_period_days", 7)).json();
        assertThat(scheduled.get("key_state").asText()).isEqualTo("pending_destruction");
        assertError(m21.decrypt("acme", key, sealed.text("ciphertext"), sealed.text("iv"), null, null), 409, "KEY_INACTIVE");
        assertThat(post("/keys/" + key + "/cancel-destruction", body()).json().get("key_state").asText()).isEqualTo("active");
        assertThat(m21.decrypt("acme", key, sealed.text("ciphertext"), sealed.text("iv"), null, null).status()).isEqualTo(200);

        post("/keys/" + key + "/schedule-destruction", body()); // default window: 30 days
        clock.advance(Duration.ofDays(30));
        assertError(post("/keys/" + key + "/cancel-destruction", body()), 409, "KEY_INACTIVE");
        assertThat(run().destroyed).isEqualTo(1);

        JsonNode tombstone = m21.get("/keys/" + key).json();
        assertThat(tombstone.get("key_state").asText()).isEqualTo("destroyed");
        assertThat(tombstone.get("destroyed_at").asText()).isNotBlank();
        assertError(m21.decrypt("acme", key, sealed.text("ciphertext"), sealed.text("iv"), null, null), 409, "KEY_INACTIVE");
        assertThat(stored(key).wrappedMaterial()).isEmpty();
        assertThat(occurrencesIn(node.dataDir(), wrapped)).as("no trace of the wrapped material in any file").isZero();
        // the alias is free for a new key
        assertThat(create("AES-256", "doomed", "encrypt", "decrypt")).isNotEqualTo(key);
    }

    private static int occurrencesIn(Path dir, byte[] needle) throws Exception {
        int found = 0;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                // ISO-8859-1 maps bytes 1:1 to chars, so String.indexOf is a byte search
                String content = new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1);
                String target = new String(needle, java.nio.charset.StandardCharsets.ISO_8859_1);
                for (int i = content.indexOf(target); i >= 0; i = content.indexOf(target, i + 1)) {
                    found++;
                }
            }
        }
        return found;
    }

    private record LifecycleSchedulerRun(int archived, int destroyed, int rotated) {
    }

    private LifecycleSchedulerRun run() {
        var r = node.node().runLifecycle();
        return new LifecycleSchedulerRun(r.archived(), r.destroyed(), r.rotated());
    }

    private KeyRecord stored(String keyId) {
        return new JdbcKeyRepository(node.node().data().database()).findById(keyId).orElseThrow();
    }

    private List<JsonNode> events(String type) {
        List<JsonNode> out = new ArrayList<>();
        node.admin().get("/events?limit=1000").json().get("events").forEach(e -> {
            if (e.get("event").get("event_type").asText().equals(type)) {
                out.add(e.get("event"));
            }
        });
        return out;
    }

    private String create(String type, String alias, String... usage) {
        ObjectNode b = KmsClient.scope("acme", "dev", "tenant").put("key_type", type);
        if (alias != null) {
            b.put("key_alias", alias);
        }
        var u = b.putArray("key_usage");
        for (String s : usage) {
            u.add(s);
        }
        KmsClient.Response r = m21.post("/keys", b);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.text("key_id");
    }

    private KmsClient.Response post(String path, ObjectNode body) {
        KmsClient.Response r = m21.post(path, body);
        return r;
    }

    private static ObjectNode body() {
        return KmsClient.JSON.createObjectNode();
    }
}
