package com.zeroui.kms.api;

import static com.zeroui.kms.support.ErrorResponseAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.jwk.RSAKey;
import com.zeroui.kms.auth.JwtSettings;
import com.zeroui.kms.auth.Role;
import com.zeroui.kms.crypto.Pem;
import com.zeroui.kms.support.JwtTokens;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.TestCertificates;
import com.zeroui.kms.support.TestNode;
import com.zeroui.kms.trust.CertificateAuthority;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 §1: the environment a bearer token binds a caller to holds beyond keys and approvals, on
 * the real server over mutual TLS. Tokens are optional on this node, so the same certificate calls
 * unbound too, and that caller's answers stay as they were.
 */
class TokenEnvironmentBindingIT {
    static final String ISSUER = "https://iam.zeroui.local";

    static Path dir;
    static RSAKey rsa;
    static TestNode node;

    @BeforeAll
    static void start() throws IOException {
        dir = Files.createTempDirectory("kms-envbind-");
        rsa = JwtTokens.newRsaKey("iam-rsa-1");
        Path jwks = JwtTokens.writeJwks(dir.resolve("iam-jwks.json"), rsa);
        node = TestNode.start(cfg -> cfg.jwt(new JwtSettings(false,
                List.of(JwtSettings.TrustedIssuer.parse(ISSUER + "=jwks:" + jwks)), Set.of(), Duration.ofSeconds(60),
                JwtTokens.AUDIENCE)));
    }

    @AfterAll
    static void stop() {
        node.close();
        TestNode.deleteTree(dir);
    }

    static KmsClient bound(KmsClient client, String moduleId, String tenant, String environment) {
        return client.withBearer(JwtTokens.rs256(rsa, JwtTokens.claims(ISSUER, moduleId, tenant, environment, Instant.now())
                .build()));
    }

    static String newKey(KmsClient client, String tenant, String environment) {
        ObjectNode body = KmsClient.scope(tenant, environment, "tenant").put("key_type", "Ed25519");
        body.putArray("key_usage").add("sign").add("verify");
        KmsClient.Response created = client.post("/keys", body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.text("key_id");
    }

    static ObjectNode anchor(String tenant, String pem) {
        ObjectNode body = KmsClient.JSON.createObjectNode().put("tenant_id", tenant).put("anchor_type", "external_ca");
        body.putArray("planes").add("tenant");
        return body.put("certificate_pem", pem);
    }

    static void assertBeyondTheToken(KmsClient.Response r) {
        JsonNode error = assertError(r, 403, "UNAUTHORIZED");
        assertThat(error.at("/details/token_environment").asText()).as(r.body()).isEqualTo("dev");
        assertThat(error.at("/details/reason").asText()).isEqualTo("beyond_token_environment");
    }

    /** The events after {@code cursor}, reading on until the feed's cursor stops moving. */
    static List<JsonNode> eventsAfter(KmsClient client, String cursor) {
        List<JsonNode> out = new ArrayList<>();
        while (true) {
            KmsClient.Response r = client.get("/events?limit=1000&after=" + cursor);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            r.json().get("events").forEach(e -> out.add(e.get("event")));
            String next = r.json().get("next_cursor").asText();
            if (next.equals(cursor)) {
                return out;
            }
            cursor = next;
        }
    }

    static String latestCursor(KmsClient client) {
        String cursor = "0";
        while (true) {
            String next = client.get("/events?limit=1000&after=" + cursor).json().get("next_cursor").asText();
            if (next.equals(cursor)) {
                return cursor;
            }
            cursor = next;
        }
    }

    @Test
    void theEventFeedShowsATokenBoundCallerItsEnvironmentsEventsAndTheTenantsAnchorChangesOnly() {
        String tenant = newTenant();
        KmsClient unbound = node.client("M40", tenant);
        KmsClient dev = bound(unbound, "M40", tenant, "dev");
        KmsClient prod = bound(unbound, "M40", tenant, "prod");
        String start = latestCursor(unbound);

        String devKey = newKey(unbound, tenant, "dev");
        String prodKey = newKey(unbound, tenant, "prod");
        KmsClient.Response added = unbound.post("/trust-anchors", anchor(tenant, TestCertificates.ca("env-ca").build().pem()));
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        String anchorId = added.text("trust_anchor_id");

        List<JsonNode> devEvents = eventsAfter(dev, start);
        assertThat(devEvents).extracting(e -> e.get("event_type").asText())
                .containsExactly("key_generated", "trust_anchor_updated");
        assertThat(devEvents.get(0).at("/payload/key_id").asText()).isEqualTo(devKey);
        assertThat(devEvents.get(0).get("environment").asText()).isEqualTo("dev");
        assertThat(devEvents.get(1).at("/payload/trust_anchor_id").asText()).isEqualTo(anchorId);
        assertThat(eventsAfter(prod, start)).extracting(e -> e.at("/payload/key_id").asText(""))
                .containsExactly(prodKey, "");
        // the unbound certificate is unchanged: every environment of its tenant
        assertThat(eventsAfter(unbound, start)).extracting(e -> e.get("event_type").asText())
                .containsExactly("key_generated", "key_generated", "trust_anchor_updated");

        // the cursor moves past what the bound caller may not see: after the dev key, a one-event page
        // skips the prod key's event and ends at the anchor's
        JsonNode all = unbound.get("/events?limit=1000&after=" + start).json().get("events");
        assertThat(all).hasSize(3);
        JsonNode page = dev.get("/events?limit=1&after=" + all.get(0).get("cursor").asText()).json();
        assertThat(page.get("events")).extracting(e -> e.at("/event/event_type").asText())
                .containsExactly("trust_anchor_updated");
        assertThat(page.get("next_cursor").asText()).isEqualTo(all.get(2).get("cursor").asText());

        assertError(dev.get("/events?tenant_id=globex"), 403, "UNAUTHORIZED");
    }

    @Test
    void aTokenBoundCallerReadsItsTenantsTrustAnchorsButNeverChangesThem() {
        String tenant = newTenant();
        KmsClient unbound = node.client("M40", tenant);
        KmsClient dev = bound(unbound, "M40", tenant, "dev");
        String pem = TestCertificates.ca("partner-ca").build().pem();

        KmsClient.Response refused = dev.post("/trust-anchors", anchor(tenant, pem));
        assertBeyondTheToken(refused);
        JsonNode receipt = unbound.get("/receipts/" + refused.json().at("/details/receipt_id").asText()).json()
                .get("receipt");
        assertThat(receipt.get("operation").asText()).isEqualTo("trust_anchor_added");
        assertThat(receipt.at("/kms_context/success").asBoolean()).isFalse();

        KmsClient.Response added = unbound.post("/trust-anchors", anchor(tenant, pem));
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        String id = added.text("trust_anchor_id");

        assertThat(dev.get("/trust-anchors/" + id).status()).isEqualTo(200);
        assertThat(dev.get("/trust-anchors").json().get("trust_anchors")).extracting(a -> a.get("trust_anchor_id").asText())
                .containsExactly(id);
        assertThat(dev.get("/trust-bundles/tenant").json().get("anchors"))
                .extracting(a -> a.get("trust_anchor_id").asText()).contains(id);
        assertError(dev.get("/trust-anchors?tenant_id=globex"), 403, "UNAUTHORIZED");

        ObjectNode revoke = KmsClient.JSON.createObjectNode().put("reason", "keyCompromise");
        assertBeyondTheToken(dev.post("/trust-anchors/" + id + "/revoke", revoke));
        assertBeyondTheToken(dev.raw("DELETE", "/trust-anchors/" + id, null, null));
        // another tenant's anchor stays a 404 for the bound caller, before any question of reach
        String other = newTenant();
        String othersAnchor = node.client("M40", other).post("/trust-anchors",
                anchor(other, TestCertificates.ca("other-ca").build().pem())).text("trust_anchor_id");
        assertError(dev.raw("DELETE", "/trust-anchors/" + othersAnchor, null, null), 404, "INVALID_REQUEST");

        KmsClient.Response removed = unbound.raw("DELETE", "/trust-anchors/" + id, null, null);
        assertThat(removed.status()).as(removed.body()).isEqualTo(200);
    }

    @Test
    void chainValidationUsesTheTenantsBundleForATokenBoundCallerOfThatTenantOnly() {
        String tenant = newTenant();
        KmsClient unbound = node.client("M40", tenant);
        KmsClient dev = bound(unbound, "M40", tenant, "dev");
        CertificateAuthority.ClientCredential credential = node.node().data().ca()
                .issueClient("M21", tenant, Set.of(), Duration.ofDays(1));
        ObjectNode body = KmsClient.JSON.createObjectNode().put("tenant_id", tenant).put("plane", "tenant")
                .put("purpose", "client_auth");
        ArrayNode chain = body.putArray("chain");
        credential.chain().forEach(c -> chain.add(Pem.certificate(c)));

        for (KmsClient client : List.of(dev, unbound)) {
            KmsClient.Response r = client.post("/certificates/validate", body);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.json().get("valid").asBoolean()).as(r.body()).isTrue();
            assertThat(r.json().get("trust_anchors").asText()).isEqualTo("bundle");
        }
        JsonNode error = assertError(dev.post("/certificates/validate", body.deepCopy().put("tenant_id", "globex")),
                403, "UNAUTHORIZED");
        assertThat(error.at("/details/tenant_id").asText()).isEqualTo("globex");
    }

    @Test
    void receiptSearchShowsATokenBoundCallerItsEnvironmentOnly() {
        String tenant = newTenant();
        KmsClient unbound = node.client("M40", tenant);
        KmsClient dev = bound(unbound, "M40", tenant, "dev");
        String devKey = newKey(unbound, tenant, "dev");
        String prodKey = newKey(unbound, tenant, "prod");

        JsonNode devReceipts = dev.get("/audit/receipts?operation=key_generated").json().get("receipts");
        assertThat(devReceipts.findValuesAsText("environment")).isNotEmpty().containsOnly("dev");
        assertThat(devReceipts.toString()).contains(devKey).doesNotContain(prodKey);
        assertThat(unbound.get("/audit/receipts?operation=key_generated").json().get("receipts").toString())
                .contains(devKey).contains(prodKey);
        assertError(dev.get("/audit/receipts?tenant_id=globex"), 403, "UNAUTHORIZED");
    }

    @Test
    void serviceWideReportsAreBeyondATokenBoundAuditor() {
        String tenant = newTenant();
        KmsClient auditor = node.client("M41", tenant, Role.AUDITOR);
        KmsClient dev = bound(auditor, "M41", tenant, "dev");

        assertBeyondTheToken(dev.get("/compliance"));
        assertBeyondTheToken(dev.get("/audit/archives"));
        assertThat(auditor.get("/compliance").status()).isEqualTo(200);
        assertThat(auditor.get("/audit/archives").status()).isEqualTo(200);
    }

    private static String newTenant() {
        return "t-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
