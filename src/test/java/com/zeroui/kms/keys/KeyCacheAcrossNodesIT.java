package com.zeroui.kms.keys;

import static com.zeroui.kms.support.ErrorResponseAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zeroui.kms.ops.KmsConfig;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.PostgresDatabases;
import com.zeroui.kms.support.TestNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes on one PostgreSQL store, each holding key records in its cache (ADR 0028): a
 * revocation, a policy change and a rotation made through node A are enforced by node B on a
 * request sent one second after A acknowledged the change, although B had just used (and cached)
 * the key; on A itself they hold from the next request. (How long a loaded machine then takes to
 * answer is not asserted; the 500 ms bound itself is KeyRecordCacheTest's.)
 */
class KeyCacheAcrossNodesIT {
    /** The service's promise for a change made on another node. */
    private static final long ONE_SECOND_MILLIS = 1000;
    private static final byte[] MESSAGE = "pay 10 EUR".getBytes();

    static PostgresDatabases.TempDatabase db;
    static Path dataDir;
    private TestNode a;
    private TestNode b;
    private KmsClient onA;
    private KmsClient onB;

    @BeforeAll
    static void createDatabase() throws IOException {
        db = PostgresDatabases.create("KeyCacheAcrossNodesIT");
        dataDir = Files.createTempDirectory("kms-cache-nodes-");
    }

    @AfterAll
    static void dropDatabase() {
        TestNode.deleteTree(dataDir);
        db.close();
    }

    @BeforeEach
    void startNodes() {
        UnaryOperator<KmsConfig.Builder> config = cfg -> cfg.database(db.url(), db.user(), db.password())
                .approvals(LifecycleApprovalsIT.NO_ALWAYS_REQUIRED_APPROVALS);
        a = TestNode.startIn(dataDir, config, false);
        b = TestNode.startIn(dataDir, config, false);
        onA = a.client("M21", "acme");
        onB = b.client("M21", "acme");
    }

    @AfterEach
    void stopNodes() {
        b.close();
        a.close();
    }

    @Test
    void aRevocationOnOneNodeIsEnforcedOnTheOtherWithinASecond() throws InterruptedException {
        String key = create("Ed25519", null);
        warm(key);

        KmsClient.Response revoked = onA.post("/keys/" + key + "/revoke", KmsClient.JSON.createObjectNode()
                .put("reason", "compromised"));
        assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);
        assertError(onA.sign("acme", key, MESSAGE, null), 409, "KEY_REVOKED"); // the node that wrote it: at once

        Thread.sleep(ONE_SECOND_MILLIS);
        assertError(onB.sign("acme", key, MESSAGE, null), 409, "KEY_REVOKED");
        assertThat(onB.get("/keys/" + key + "?tenant_id=acme").json().get("key_state").asText()).isEqualTo("revoked");
    }

    @Test
    void aPolicyChangeOnOneNodeIsEnforcedOnTheOtherWithinASecond() throws InterruptedException {
        String key = create("Ed25519", null);
        warm(key);

        ObjectNode policy = KmsClient.JSON.createObjectNode().put("tenant_id", "acme").put("requires_approval", false)
                .put("max_usage_per_day", 100_000);
        policy.putArray("allowed_modules").add("M22");
        KmsClient.Response changed = onA.raw("PUT", "/keys/" + key + "/policy", "application/json",
                policy.toString().getBytes());
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        assertError(onA.sign("acme", key, MESSAGE, null), 403, "POLICY_VIOLATION");

        Thread.sleep(ONE_SECOND_MILLIS);
        assertError(onB.sign("acme", key, MESSAGE, null), 403, "POLICY_VIOLATION");
    }

    @Test
    void aRotationOnOneNodeMovesTheAliasOnTheOtherWithinASecond() throws InterruptedException {
        String old = create("Ed25519", "payments");
        for (int i = 0; i < 3; i++) {
            assertThat(onB.sign("acme", "alias/payments", MESSAGE, null).text("key_id")).isEqualTo(old);
        }

        KmsClient.Response rotated = onA.post("/keys/" + old + "/rotate", KmsClient.JSON.createObjectNode());
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
        String successor = rotated.json().get("key").get("key_id").asText();
        assertThat(onA.sign("acme", "alias/payments", MESSAGE, null).text("key_id")).isEqualTo(successor);

        Thread.sleep(ONE_SECOND_MILLIS);
        assertThat(onB.sign("acme", "alias/payments", MESSAGE, null).text("key_id")).isEqualTo(successor);
        assertError(onB.sign("acme", old, MESSAGE, null), 409, "KEY_INACTIVE");
    }

    /** B uses the key, so its record is in B's cache before A changes it. */
    private void warm(String key) {
        for (int i = 0; i < 3; i++) {
            KmsClient.Response signed = onB.sign("acme", key, MESSAGE, null);
            assertThat(signed.status()).as(signed.body()).isEqualTo(200);
        }
    }

    private String create(String type, String alias) {
        ObjectNode body = KmsClient.scope("acme", "dev", "tenant").put("key_type", type);
        body.putArray("key_usage").add("sign").add("verify");
        if (alias != null) {
            body.put("key_alias", alias);
        }
        KmsClient.Response created = onA.post("/keys", body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.text("key_id");
    }
}
