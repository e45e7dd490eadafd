package com.zeroui.kms.keys;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zeroui.kms.ops.LifecycleConfig;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.MutableClock;
import com.zeroui.kms.support.TestNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every cell of the state table through the real API: for each (state, operation) a fresh key is
 * brought into the state by the API itself (rotate, revoke, schedule destruction, and time), then
 * the operation is sent and its status and error code compared with the table.
 */
class KeyStateTableIT {
    private static final Set<KeyOperation> HTTP_OPERATIONS = EnumSet.allOf(KeyOperation.class);

    /** A key prepared for one cell: its id and, for AES keys, a ciphertext made while it was active. */
    private record Cell(KeyState state, KeyOperation operation, String keyId, KmsClient.Response sealed,
                        String signature) {
    }

    @Test
    void everyStateAndOperationAnswersAsTheTableSays() {
        MutableClock clock = MutableClock.atRealNow();
        try (TestNode node = TestNode.start(clock, cfg -> cfg.lifecycle(new LifecycleConfig(30, Duration.ofDays(1), false))
                .approvals(LifecycleApprovalsIT.NO_ALWAYS_REQUIRED_APPROVALS))) {
            KmsClient c = node.client("M21", "acme");
            List<Cell> now = new ArrayList<>();
            List<Cell> later = new ArrayList<>();
            for (KeyState state : KeyState.values()) {
                for (KeyOperation op : HTTP_OPERATIONS) {
                    Cell cell = prepare(c, state, op);
                    (state == KeyState.ARCHIVED || state == KeyState.DESTROYED ? later : now).add(cell);
                }
            }
            List<String> mismatches = new ArrayList<>();
            now.forEach(cell -> check(c, cell, mismatches));
            clock.advance(Duration.ofDays(8)); // past the 7-day grace and the 7-day destruction window
            node.node().runLifecycle();
            later.forEach(cell -> check(c, cell, mismatches));
            assertThat(mismatches).as("cells that differ from the table").isEmpty();
            assertThat(now.size() + later.size()).isEqualTo(KeyState.values().length * HTTP_OPERATIONS.size());
        }
    }

    private static Cell prepare(KmsClient c, KeyState state, KeyOperation op) {
        boolean aead = op == KeyOperation.ENCRYPT || op == KeyOperation.DECRYPT;
        boolean derive = op == KeyOperation.DERIVE;
        boolean mac = op == KeyOperation.MAC || op == KeyOperation.MAC_VERIFY;
        ObjectNode body = KmsClient.scope("acme", "dev", "tenant")
                .put("key_type", aead || derive ? "AES-256" : mac ? "HMAC-SHA256" : "Ed25519");
        if (derive) {
            body.putArray("key_usage").add("derive");
        } else {
            body.putArray("key_usage").add(aead ? "encrypt" : mac ? "mac" : "sign")
                    .add(aead ? "decrypt" : mac ? "mac_verify" : "verify");
        }
        String key = c.post("/keys", body).text("key_id");
        KmsClient.Response sealed = aead ? c.encrypt("acme", key, "data".getBytes(), null, null) : null;
        String signature = aead || derive ? null : mac
                ? c.post("/mac", KmsClient.scope("acme", "dev", "tenant").put("key_id", key)
                        .put("data", java.util.Base64.getEncoder().encodeToString("data".getBytes()))).text("mac")
                : c.sign("acme", key, "data".getBytes(), null).text("signature");
        switch (state) {
            case ACTIVE -> { }
            case PENDING_ROTATION, ARCHIVED -> expectOk(c.post("/keys/" + key + "/rotate", json()));
            case REVOKED -> expectOk(c.post("/keys/" + key + "/revoke", json().put("reason", "retired")));
            case PENDING_DESTRUCTION, DESTROYED -> expectOk(c.post("/keys/" + key + "/schedule-destruction",
                    json().put("waiting_period_days", 7)));
        }
        return new Cell(state, op, key, sealed, signature);
    }

    private static void check(KmsClient c, Cell cell, List<String> mismatches) {
        KmsClient.Response r = send(c, cell);
        ErrorCodeOrOk actual = r.status() / 100 == 2 ? ErrorCodeOrOk.OK
                : ErrorCodeOrOk.of(r.status(), r.json().path("code").asText());
        String expectedCode = KeyStateMachine.allows(cell.state(), cell.operation()) ? "ok"
                : KeyStateMachine.refusal(cell.state(), cell.operation()).name();
        ErrorCodeOrOk expected = expectedCode.equals("ok") ? ErrorCodeOrOk.OK : ErrorCodeOrOk.of(409, expectedCode);
        if (!actual.equals(expected)) {
            mismatches.add(cell.state().apiName() + " × " + cell.operation().apiName() + ": expected " + expected
                    + ", got " + actual + " " + r.body());
        }
    }

    private record ErrorCodeOrOk(int status, String code) {
        static final ErrorCodeOrOk OK = new ErrorCodeOrOk(200, "ok");

        static ErrorCodeOrOk of(int status, String code) {
            return new ErrorCodeOrOk(status, code);
        }
    }

    private static KmsClient.Response send(KmsClient c, Cell cell) {
        String k = cell.keyId();
        byte[] data = "data".getBytes();
        return switch (cell.operation()) {
            case SIGN -> c.sign("acme", k, data, null);
            case VERIFY -> c.verify("acme", k, data, cell.signature(), null);
            case ENCRYPT -> c.encrypt("acme", k, data, null, null);
            case DECRYPT -> c.decrypt("acme", k, cell.sealed().text("ciphertext"), cell.sealed().text("iv"), null, null);
            case ROTATE -> c.post("/keys/" + k + "/rotate", json());
            case REVOKE -> c.post("/keys/" + k + "/revoke", json().put("reason", "retired"));
            case SCHEDULE_DESTRUCTION -> c.post("/keys/" + k + "/schedule-destruction", json().put("waiting_period_days", 7));
            case CANCEL_DESTRUCTION -> c.post("/keys/" + k + "/cancel-destruction", json());
            case UPDATE_POLICY -> c.raw("PUT", "/keys/" + k + "/policy", "application/json",
                    "{\"allowed_modules\":[\"M21\"],\"requires_approval\":false,\"max_usage_per_day\":1000}".getBytes());
            case READ_METADATA -> c.get("/keys/" + k);
            case READ_PUBLIC_KEY -> c.get("/keys/" + k + "/public");
            case MAC -> c.post("/mac", KmsClient.scope("acme", "dev", "tenant").put("key_id", k)
                    .put("data", java.util.Base64.getEncoder().encodeToString(data)));
            case MAC_VERIFY -> c.post("/mac/verify", KmsClient.scope("acme", "dev", "tenant").put("key_id", k)
                    .put("data", java.util.Base64.getEncoder().encodeToString(data)).put("mac", cell.signature()));
            case DERIVE -> c.post("/derive", KmsClient.scope("acme", "dev", "tenant").put("key_id", k)
                    .put("method", "HKDF-SHA256").put("length", 32));
        };
    }

    private static void expectOk(KmsClient.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    private static ObjectNode json() {
        return KmsClient.JSON.createObjectNode();
    }
}
