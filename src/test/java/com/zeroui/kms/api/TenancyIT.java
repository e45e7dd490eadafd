package com.zeroui.kms.api;

import static com.zeroui.kms.support.ErrorResponseAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zeroui.kms.auth.Role;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.TestNode;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The tenancy invariants: binding, scoped lookup, indistinguishable 404, per-key module policy. */
class TenancyIT {
    static TestNode node;
    static KmsClient alice;   // module M21 bound to tenant-a
    static KmsClient bob;     // module M21 bound to tenant-b
    static KmsClient admin;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        alice = node.client("M21", "tenant-a");
        bob = node.client("M21", "tenant-b");
        admin = node.admin();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void requestForAnotherTenantIsUnauthorized() {
        assertError(alice.createKey("tenant-b", "Ed25519", "sign", "verify"), 403, "UNAUTHORIZED");
        String bobsKey = bob.createKey("tenant-b", "Ed25519", "sign", "verify").text("key_id");
        assertError(alice.sign("tenant-b", bobsKey, new byte[] {1}, null), 403, "UNAUTHORIZED");
        assertError(alice.get("/keys?tenant_id=tenant-b"), 403, "UNAUTHORIZED");
        assertError(alice.get("/keys/" + bobsKey + "?tenant_id=tenant-b"), 403, "UNAUTHORIZED");
    }

    @Test
    void anotherTenantsKeyIsIndistinguishableFromAnUnknownOne() {
        String bobsKey = bob.createKey("tenant-b", "Ed25519", "sign", "verify").text("key_id");
        String unknown = "01900000-0000-7000-8000-000000000000";
        var foreign = assertError(alice.sign("tenant-a", bobsKey, new byte[] {1}, null), 404, "KEY_NOT_FOUND");
        var missing = assertError(alice.sign("tenant-a", unknown, new byte[] {1}, null), 404, "KEY_NOT_FOUND");
        assertThat(foreign.get("message").asText().replace(bobsKey, "X"))
                .isEqualTo(missing.get("message").asText().replace(unknown, "X"));
        assertThat(foreign.get("details").fieldNames()).toIterable()
                .containsExactlyElementsOf(() -> missing.get("details").fieldNames());
        assertError(alice.get("/keys/" + bobsKey), 404, "KEY_NOT_FOUND");
    }

    @Test
    void keysAreScopedByEnvironmentAndPlaneToo() {
        String key = alice.createKey("tenant-a", "Ed25519", "sign", "verify").text("key_id");
        ObjectNode prod = KmsClient.scope("tenant-a", "prod", "tenant").put("key_id", key)
                .put("data", Base64.getEncoder().encodeToString(new byte[] {1}));
        assertError(alice.post("/sign", prod), 404, "KEY_NOT_FOUND");
        ObjectNode laptop = KmsClient.scope("tenant-a", "dev", "laptop").put("key_id", key)
                .put("data", Base64.getEncoder().encodeToString(new byte[] {1}));
        assertError(alice.post("/sign", laptop), 404, "KEY_NOT_FOUND");
        assertError(alice.get("/keys/" + key + "?plane=shared"), 404, "KEY_NOT_FOUND");
    }

    @Test
    void sameAliasInTwoTenantsResolvesToEachTenantsOwnKey() {
        ObjectNode a = KmsClient.scope("tenant-a", "dev", "tenant").put("key_type", "Ed25519").put("key_alias", "jwt");
        a.putArray("key_usage").add("sign").add("verify");
        String aKey = alice.post("/keys", a).text("key_id");
        ObjectNode b = a.deepCopy().put("tenant_id", "tenant-b");
        String bKey = bob.post("/keys", b).text("key_id");
        assertThat(aKey).isNotEqualTo(bKey);
        assertThat(alice.sign("tenant-a", "alias/jwt", new byte[] {1}, null).text("key_id")).isEqualTo(aKey);
        assertThat(bob.sign("tenant-b", "alias/jwt", new byte[] {1}, null).text("key_id")).isEqualTo(bKey);
    }

    @Test
    void listingShowsOnlyTheCallersTenant() {
        bob.createKey("tenant-b", "AES-256", "encrypt", "decrypt");
        alice.createKey("tenant-a", "AES-256", "encrypt", "decrypt");
        var keys = alice.get("/keys?limit=1000").json().get("keys");
        assertThat(keys).isNotEmpty().allSatisfy(k -> assertThat(k.get("tenant_id").asText()).isEqualTo("tenant-a"));
    }

    @Test
    void adminMayActForAnyTenantButPolicyStillApplies() {
        String key = alice.createKey("tenant-a", "Ed25519", "sign", "verify").text("key_id");
        assertThat(admin.get("/keys/" + key).status()).isEqualTo(200);
        assertThat(admin.get("/keys?tenant_id=tenant-a").status()).isEqualTo(200);
        // the key's policy names only M21: the admin module may read metadata but not use it
        assertError(admin.sign("tenant-a", key, new byte[] {1}, null), 403, "POLICY_VIOLATION");

        ObjectNode forM21 = KmsClient.scope("tenant-a", "dev", "tenant").put("key_type", "Ed25519");
        forM21.putArray("key_usage").add("sign");
        forM21.putObject("access_policy").putArray("allowed_modules").add("M21");
        KmsClient.Response created = admin.post("/keys", forM21);
        assertThat(created.status()).isEqualTo(201);
        assertThat(alice.sign("tenant-a", created.text("key_id"), new byte[] {1}, null).status()).isEqualTo(200);
    }

    @Test
    void allowedModulesIsCheckedOnEveryUse() {
        KmsClient m27 = node.client("M27", "tenant-a");
        String key = alice.createKey("tenant-a", "Ed25519", "sign", "verify").text("key_id");
        var error = assertError(m27.sign("tenant-a", key, new byte[] {1}, null), 403, "POLICY_VIOLATION");
        assertThat(error.get("details").get("module_id").asText()).isEqualTo("M27");
        String sig = alice.sign("tenant-a", key, new byte[] {1}, null).text("signature");
        assertError(m27.verify("tenant-a", key, new byte[] {1}, sig, null), 403, "POLICY_VIOLATION");

        ObjectNode shared = KmsClient.scope("tenant-a", "dev", "tenant").put("key_type", "AES-256");
        shared.putArray("key_usage").add("encrypt").add("decrypt");
        shared.putObject("access_policy").putArray("allowed_modules").add("M21").add("M27");
        String aes = alice.post("/keys", shared).text("key_id");
        var enc = alice.encrypt("tenant-a", aes, new byte[] {9}, null, null);
        assertThat(m27.decrypt("tenant-a", aes, enc.text("ciphertext"), enc.text("iv"), null, null).status()).isEqualTo(200);
    }

    @Test
    void platformModuleIsBoundToTheGlobalTenant() {
        KmsClient ledger = node.client("M27", null);
        // past the tenant binding for GLOBAL, generation there asks for dual authorization (ApprovalsIT)
        var global = assertError(ledger.createKey("GLOBAL", "Ed25519", "sign", "verify"), 403, "POLICY_VIOLATION");
        assertThat(global.at("/details/reason").asText()).isEqualTo("missing_token");
        assertError(ledger.createKey("tenant-a", "Ed25519", "sign", "verify"), 403, "UNAUTHORIZED");
    }

    @Test
    void approverRoleDoesNotWidenTenantScope() {
        KmsClient approver = node.client("M32", "tenant-b", Role.APPROVER);
        assertError(approver.createKey("tenant-a", "Ed25519", "sign"), 403, "UNAUTHORIZED");
    }
}
