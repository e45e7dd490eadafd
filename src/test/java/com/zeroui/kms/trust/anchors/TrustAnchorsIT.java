package com.zeroui.kms.trust.anchors;

import static com.zeroui.kms.support.ErrorResponseAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.crypto.tink.subtle.Ed25519Verify;
import com.zeroui.kms.crypto.Pem;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.PostgresDatabases;
import com.zeroui.kms.support.TestCertificates;
import com.zeroui.kms.support.TestNode;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The trust store through the real server: anchors, authorization, layered signed bundles, versions, events, receipts, refusals. */
class TrustAnchorsIT {
    static TestNode node;
    static KmsClient admin;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        admin = node.admin();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void aTenantAddsListsReadsAndRemovesItsOwnAnchorsEachWithAReceipt() throws Exception {
        String tenant = newTenant();
        KmsClient m21 = node.client("M21", tenant);
        TestCertificates.Issued ca = TestCertificates.ca("partner-ca").keys(TestCertificates.rsa(2048)).build();

        KmsClient.Response added = add(m21, tenant, "external_ca", List.of("tenant", "laptop"), ca.pem());
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        JsonNode anchor = added.json();
        String id = anchor.get("trust_anchor_id").asText();
        assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(anchor.get("tenant_id").asText()).isEqualTo(tenant);
        assertThat(anchor.get("anchor_type").asText()).isEqualTo("external_ca");
        assertThat(anchor.get("planes")).extracting(JsonNode::asText).containsExactly("laptop", "tenant");
        assertThat(anchor.get("certificate_pem").asText()).isEqualTo(ca.pem());
        assertThat(anchor.get("fingerprint_sha256").asText()).isEqualTo(sha256(ca.certificate().getEncoded()));
        assertThat(anchor.get("subject").asText()).contains("CN=partner-ca");
        assertThat(anchor.get("key_size_bits").asInt()).isEqualTo(2048);
        assertThat(Instant.parse(anchor.get("not_after").asText())).isEqualTo(ca.certificate().getNotAfter().toInstant());
        assertThat(Long.parseLong(anchor.get("version").asText())).isPositive();
        assertThat(anchor.get("created_by").asText()).isEqualTo("M21");
        assertReceipt(m21, added.text("receipt_id"), "trust_anchor_added", tenant, id, true);

        KmsClient.Response read = m21.get("/trust-anchors/" + id);
        assertThat(read.status()).isEqualTo(200);
        assertThat(withoutReceipt(read.json())).isEqualTo(withoutReceipt(anchor));
        assertReceipt(m21, read.text("receipt_id"), "trust_anchor_read", tenant, id, true);

        KmsClient.Response listed = m21.get("/trust-anchors");
        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.json().get("trust_anchors")).extracting(a -> a.get("trust_anchor_id").asText()).containsExactly(id);
        assertThat(listed.json().get("next_cursor").isNull()).isTrue();
        assertReceipt(m21, listed.text("receipt_id"), "trust_anchors_listed", tenant, null, true);

        KmsClient.Response removed = m21.raw("DELETE", "/trust-anchors/" + id, null, null);
        assertThat(removed.status()).as(removed.body()).isEqualTo(200);
        assertThat(removed.json().get("removed").asBoolean()).isTrue();
        assertThat(Long.parseLong(removed.text("version"))).isGreaterThan(Long.parseLong(anchor.get("version").asText()));
        assertReceipt(m21, removed.text("receipt_id"), "trust_anchor_removed", tenant, id, true);
        assertError(m21.get("/trust-anchors/" + id), 404, "INVALID_REQUEST");
        assertError(m21.raw("DELETE", "/trust-anchors/" + id, null, null), 404, "INVALID_REQUEST");
        assertThat(m21.get("/trust-anchors").json().get("trust_anchors")).isEmpty();
    }

    @Test
    void globalAnchorsAreForAdminsToChangeAndForEveryoneToRead() {
        String tenant = newTenant();
        KmsClient m21 = node.client("M21", tenant);
        KmsClient platform = node.client("M50", null); // bound to GLOBAL, but not an admin
        String pem = TestCertificates.ca("global-sso").build().pem();

        JsonNode refused = assertError(add(m21, "GLOBAL", "root", List.of("shared"), pem), 403, "UNAUTHORIZED");
        // filed under the scope the caller tried to change, where the admins see it (as for keys)
        assertReceipt(admin, refused.get("details").get("receipt_id").asText(), "trust_anchor_added", "GLOBAL", null, false);
        assertError(add(platform, "GLOBAL", "root", List.of("shared"), pem), 403, "UNAUTHORIZED");

        KmsClient.Response added = add(admin, "GLOBAL", "root", List.of("shared"), pem);
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        String id = added.text("trust_anchor_id");
        assertThat(m21.get("/trust-anchors/" + id).status()).as("readable by any tenant").isEqualTo(200);
        // reads of the global scope are filed with the reader's tenant, where the reader sees them
        KmsClient.Response globalList = m21.get("/trust-anchors?tenant_id=GLOBAL&plane=shared");
        assertThat(globalList.json().get("trust_anchors")).extracting(a -> a.get("trust_anchor_id").asText()).contains(id);
        assertReceipt(m21, globalList.text("receipt_id"), "trust_anchors_listed", tenant, null, true);
        KmsClient.Response globalBundle = m21.get("/trust-bundles/shared?tenant_id=GLOBAL");
        assertThat(ids(globalBundle.json().get("anchors"))).contains(id);
        assertReceipt(m21, globalBundle.text("receipt_id"), "trust_bundle_read", tenant, null, true);
        KmsClient.Response globalRead = m21.get("/trust-anchors/" + id);
        assertReceipt(m21, globalRead.text("receipt_id"), "trust_anchor_read", tenant, id, true);
        assertError(m21.raw("DELETE", "/trust-anchors/" + id, null, null), 403, "UNAUTHORIZED");
        assertError(platform.raw("DELETE", "/trust-anchors/" + id, null, null), 403, "UNAUTHORIZED");
        assertThat(admin.raw("DELETE", "/trust-anchors/" + id, null, null).status()).isEqualTo(200);
    }

    @Test
    void anotherTenantsAnchorIsIndistinguishableFromAnUnknownOne() {
        String a = newTenant();
        String b = newTenant();
        KmsClient alice = node.client("M21", a);
        KmsClient bob = node.client("M21", b);
        String bobs = add(bob, b, "external_ca", List.of("tenant"), TestCertificates.ca("bobs").build().pem())
                .text("trust_anchor_id");
        String unknown = "01900000-0000-7000-8000-000000000000";

        JsonNode foreign = assertError(alice.get("/trust-anchors/" + bobs), 404, "INVALID_REQUEST");
        JsonNode missing = assertError(alice.get("/trust-anchors/" + unknown), 404, "INVALID_REQUEST");
        assertThat(foreign.get("message").asText().replace(bobs, "X")).isEqualTo(missing.get("message").asText()
                .replace(unknown, "X"));
        assertThat(foreign.get("details").fieldNames()).toIterable()
                .containsExactlyElementsOf(() -> missing.get("details").fieldNames());
        assertError(alice.raw("DELETE", "/trust-anchors/" + bobs, null, null), 404, "INVALID_REQUEST");
        assertThat(bob.get("/trust-anchors/" + bobs).status()).as("bob's anchor survived").isEqualTo(200);

        assertError(add(alice, b, "external_ca", List.of("tenant"), TestCertificates.ca("into-b").build().pem()), 403,
                "UNAUTHORIZED");
        assertError(alice.get("/trust-anchors?tenant_id=" + b), 403, "UNAUTHORIZED");
        assertError(alice.get("/trust-bundles/tenant?tenant_id=" + b), 403, "UNAUTHORIZED");
        assertThat(admin.get("/trust-anchors/" + bobs).status()).isEqualTo(200);
        assertThat(admin.get("/trust-anchors?tenant_id=" + b).json().get("trust_anchors")).hasSize(1);
        assertError(node.anonymous().get("/trust-bundles/tenant"), 401, "UNAUTHENTICATED");
    }

    @Test
    void theInternalCaRootIsAGlobalAnchorForEveryPlaneThatCannotBeRemoved() throws Exception {
        KmsClient m21 = node.client("M21", newTenant());
        JsonNode listed = m21.get("/trust-anchors?tenant_id=GLOBAL&anchor_type=internal_ca").json().get("trust_anchors");
        String rootPem = Pem.certificate(node.node().data().ca().ca().root());
        List<JsonNode> roots = new ArrayList<>();
        listed.forEach(a -> {
            if (a.get("certificate_pem").asText().equals(rootPem)) {
                roots.add(a);
            }
        });
        assertThat(roots).hasSize(1);
        JsonNode root = roots.get(0);
        assertThat(root.get("planes")).extracting(JsonNode::asText).containsExactly("laptop", "tenant", "product", "shared");
        assertThat(root.get("created_by").asText()).isEqualTo("@kms");
        for (String plane : List.of("laptop", "tenant", "product", "shared")) {
            assertThat(m21.get("/trust-bundles/" + plane).json().get("anchors"))
                    .extracting(a -> a.get("trust_anchor_id").asText()).contains(root.get("trust_anchor_id").asText());
        }
        JsonNode refused = assertError(admin.raw("DELETE", "/trust-anchors/" + root.get("trust_anchor_id").asText(), null,
                null), 409, "INVALID_REQUEST");
        assertThat(refused.get("details").get("reason").asText()).isEqualTo("internal_ca_root");

        JsonNode seeded = admin.get("/audit/receipts?tenant_id=GLOBAL&operation=trust_anchor_added&limit=1000").json();
        assertThat(seeded.get("receipts")).filteredOn(r -> r.get("receipt").get("kms_context").get("key_id").asText()
                .equals(root.get("trust_anchor_id").asText())).singleElement()
                .satisfies(r -> assertThat(r.get("receipt").get("requesting_module").asText()).isEqualTo("@kms"));
        assertThat(events(admin, "0")).filteredOn(e -> e.get("event_type").asText().equals("trust_anchor_updated")
                && e.get("payload").get("trust_anchor_id").asText().equals(root.get("trust_anchor_id").asText()))
                .singleElement().satisfies(e -> assertThat(e.get("payload").get("anchor_type").asText()).isEqualTo("internal_ca"));
    }

    @Test
    void aRestartDoesNotSeedTheRootAgain() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("kms-anchors-restart-");
        try {
            String first;
            String version;
            try (TestNode one = TestNode.startIn(dir, c -> c, false)) {
                JsonNode bundle = one.admin().get("/trust-bundles/shared?tenant_id=GLOBAL").json();
                first = bundle.get("anchors").get(0).get("trust_anchor_id").asText();
                version = bundle.get("version").asText();
            }
            try (TestNode two = TestNode.startIn(dir, c -> c, false)) {
                JsonNode bundle = two.admin().get("/trust-bundles/shared?tenant_id=GLOBAL").json();
                assertThat(bundle.get("anchors")).extracting(a -> a.get("trust_anchor_id").asText()).containsExactly(first);
                assertThat(bundle.get("version").asText()).isEqualTo(version);
            }
        } finally {
            TestNode.deleteTree(dir);
        }
    }

    @Test
    void theBundleLayersGlobalAnchorsUnderTheTenantsOwnPerPlaneAndItsVersionFollowsBothLayers() {
        String acme = newTenant();
        String globex = newTenant();
        KmsClient acmeClient = node.client("M21", acme);
        KmsClient globexClient = node.client("M21", globex);
        long acmeLaptop0 = version(acmeClient, "laptop", null);
        long acmeProduct0 = version(acmeClient, "product", null);

        String own = add(acmeClient, acme, "external_ca", List.of("laptop"), TestCertificates.ca("acme-laptop").build().pem())
                .text("trust_anchor_id");
        long acmeLaptop1 = version(acmeClient, "laptop", null);
        assertThat(acmeLaptop1).isGreaterThan(acmeLaptop0);
        assertThat(version(acmeClient, "product", null)).as("another plane").isEqualTo(acmeProduct0);
        long globexLaptop1 = version(globexClient, "laptop", null);

        KmsClient.Response global = add(admin, "GLOBAL", "root", List.of("laptop", "product"),
                TestCertificates.ca("global-laptop").build().pem());
        String globalId = global.text("trust_anchor_id");
        long acmeLaptop2 = version(acmeClient, "laptop", null);
        assertThat(acmeLaptop2).isGreaterThan(acmeLaptop1).isEqualTo(Long.parseLong(global.text("version")));
        assertThat(version(globexClient, "laptop", null)).isGreaterThan(globexLaptop1).isEqualTo(acmeLaptop2);
        assertThat(version(acmeClient, "product", null)).isEqualTo(acmeLaptop2);

        JsonNode acmeBundle = acmeClient.get("/trust-bundles/laptop").json();
        List<String> ids = ids(acmeBundle.get("anchors"));
        assertThat(ids).contains(globalId, own);
        assertThat(ids.get(ids.size() - 1)).as("the tenant's layer comes after the global one").isEqualTo(own);
        for (JsonNode a : acmeBundle.get("anchors")) {
            assertThat(a.get("scope").asText()).isEqualTo(a.get("trust_anchor_id").asText().equals(own) ? acme : "GLOBAL");
        }
        assertThat(acmeBundle.get("tenant_id").asText()).isEqualTo(acme);
        assertThat(acmeBundle.get("plane").asText()).isEqualTo("laptop");
        assertThat(ids(acmeClient.get("/trust-bundles/product").json().get("anchors"))).contains(globalId)
                .doesNotContain(own);
        assertThat(ids(acmeClient.get("/trust-bundles/tenant").json().get("anchors"))).doesNotContain(globalId, own);
        assertThat(ids(globexClient.get("/trust-bundles/laptop").json().get("anchors"))).contains(globalId)
                .doesNotContain(own);
        assertThat(ids(acmeClient.get("/trust-bundles/laptop?tenant_id=GLOBAL").json().get("anchors")))
                .contains(globalId).doesNotContain(own);
        assertThat(ids(admin.get("/trust-bundles/laptop?tenant_id=" + acme).json().get("anchors"))).isEqualTo(ids);

        // a tenant's change moves only its own bundles
        acmeClient.raw("DELETE", "/trust-anchors/" + own, null, null);
        assertThat(version(acmeClient, "laptop", null)).isGreaterThan(acmeLaptop2);
        assertThat(version(globexClient, "laptop", null)).isEqualTo(acmeLaptop2);
        admin.raw("DELETE", "/trust-anchors/" + globalId, null, null);
    }

    @Test
    void aRevokedAnchorIsKeptWithItsReasonLeavesTheBundleAndIsAnnouncedWithAReceipt() {
        String tenant = newTenant();
        String other = newTenant();
        KmsClient m21 = node.client("M21", tenant);
        KmsClient stranger = node.client("M21", other);
        String cursor = latestCursor(m21);
        KmsClient.Response added = add(m21, tenant, "external_ca", List.of("tenant"), TestCertificates.ca("to-revoke").build().pem());
        String id = added.text("trust_anchor_id");
        long before = version(m21, "tenant", null);

        assertField(m21.post("/trust-anchors/" + id + "/revoke", "{\"reason\":\"bored\"}"), "reason");
        assertField(m21.post("/trust-anchors/" + id + "/revoke", "{}"), "reason");
        assertError(stranger.post("/trust-anchors/" + id + "/revoke", "{\"reason\":\"keyCompromise\"}"), 404, "INVALID_REQUEST");

        KmsClient.Response revoked = m21.post("/trust-anchors/" + id + "/revoke", "{\"reason\":\"keyCompromise\"}");
        assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);
        JsonNode revocation = revoked.json().get("revocation");
        assertThat(revocation.get("reason").asText()).isEqualTo("keyCompromise");
        assertThat(revocation.get("revoked_by").asText()).isEqualTo("M21");
        assertThat(Instant.parse(revocation.get("revoked_at").asText())).isBeforeOrEqualTo(Instant.now());
        assertReceipt(m21, revoked.text("receipt_id"), "trust_anchor_revoked", tenant, id, true);
        long after = Long.parseLong(revoked.text("version"));
        assertThat(after).isGreaterThan(before).isEqualTo(version(m21, "tenant", null));

        // kept and readable with its revocation; gone from the distributed bundle
        assertThat(m21.get("/trust-anchors/" + id).json().get("revocation").get("reason").asText()).isEqualTo("keyCompromise");
        assertThat(ids(m21.get("/trust-bundles/tenant").json().get("anchors"))).doesNotContain(id);

        JsonNode again = assertError(m21.post("/trust-anchors/" + id + "/revoke", "{\"reason\":\"superseded\"}"), 409,
                "INVALID_REQUEST");
        assertThat(again.get("details").get("reason").asText()).isEqualTo("already_revoked");

        List<JsonNode> announced = events(m21, cursor);
        assertThat(announced).extracting(e -> e.get("payload").get("change").asText()).containsExactly("added", "revoked");
        JsonNode payload = announced.get(1).get("payload");
        assertThat(payload.get("trust_anchor_id").asText()).isEqualTo(id);
        assertThat(payload.get("revocation_reason").asText()).isEqualTo("keyCompromise");
        assertThat(payload.get("version").asText()).isEqualTo(Long.toString(after));

        // GLOBAL anchors are revoked by admins only; the internal root is not revocable here
        KmsClient.Response global = add(admin, "GLOBAL", "external_ca", List.of("shared"), TestCertificates.ca("global-rev").build().pem());
        assertError(m21.post("/trust-anchors/" + global.text("trust_anchor_id") + "/revoke", "{\"reason\":\"keyCompromise\"}"),
                403, "UNAUTHORIZED");
        assertThat(admin.post("/trust-anchors/" + global.text("trust_anchor_id") + "/revoke",
                "{\"reason\":\"cACompromise\"}").status()).isEqualTo(200);
        String rootPem = Pem.certificate(node.node().data().ca().ca().root());
        List<String> rootIds = new ArrayList<>();
        admin.get("/trust-anchors?tenant_id=GLOBAL&anchor_type=internal_ca").json().get("trust_anchors").forEach(a -> {
            if (a.get("certificate_pem").asText().equals(rootPem)) {
                rootIds.add(a.get("trust_anchor_id").asText());
            }
        });
        JsonNode refused = assertError(admin.post("/trust-anchors/" + rootIds.get(0) + "/revoke",
                "{\"reason\":\"keyCompromise\"}"), 409, "INVALID_REQUEST");
        assertThat(refused.get("details").get("reason").asText()).isEqualTo("internal_ca_root");
        admin.raw("DELETE", "/trust-anchors/" + global.text("trust_anchor_id"), null, null);
    }

    @Test
    void changesAreAnnouncedAsTrustAnchorUpdatedEventsWithTheBundleVersion() {
        String acme = newTenant();
        String globex = newTenant();
        KmsClient acmeClient = node.client("M21", acme);
        KmsClient globexClient = node.client("M21", globex);
        String acmeCursor = latestCursor(acmeClient);
        String globexCursor = latestCursor(globexClient);

        KmsClient.Response own = add(acmeClient, acme, "internal_ca", List.of("tenant"),
                TestCertificates.ca("acme-internal").build().pem());
        KmsClient.Response global = add(admin, "GLOBAL", "external_ca", List.of("tenant"),
                TestCertificates.ca("global-partner").build().pem());
        KmsClient.Response removed = acmeClient.raw("DELETE", "/trust-anchors/" + own.text("trust_anchor_id"), null, null);
        long bundleVersion = version(acmeClient, "tenant", null);

        List<JsonNode> acmeEvents = events(acmeClient, acmeCursor);
        assertThat(acmeEvents).extracting(e -> e.get("event_type").asText())
                .containsExactly("trust_anchor_updated", "trust_anchor_updated", "trust_anchor_updated");
        JsonNode added = acmeEvents.get(0);
        assertThat(added.get("tenant_id").asText()).isEqualTo(acme);
        assertThat(added.get("environment").isNull()).isTrue();
        assertThat(added.get("plane").isNull()).isTrue();
        assertThat(added.get("source_module").asText()).isEqualTo("M33");
        JsonNode payload = added.get("payload");
        assertThat(payload.get("trust_anchor_id").asText()).isEqualTo(own.text("trust_anchor_id"));
        assertThat(payload.get("anchor_type").asText()).isEqualTo("internal_ca");
        assertThat(payload.get("version").isTextual()).isTrue();
        assertThat(payload.get("version").asText()).isEqualTo(own.text("version"));
        assertThat(payload.get("change").asText()).isEqualTo("added");
        assertThat(payload.get("planes")).extracting(JsonNode::asText).containsExactly("tenant");

        JsonNode globalEvent = acmeEvents.get(1);
        assertThat(globalEvent.get("tenant_id").asText()).as("a tenant sees changes to the global layer").isEqualTo("GLOBAL");
        assertThat(globalEvent.get("payload").get("trust_anchor_id").asText()).isEqualTo(global.text("trust_anchor_id"));
        assertThat(globalEvent.get("payload").get("anchor_type").asText()).isEqualTo("external_ca");

        JsonNode removal = acmeEvents.get(2).get("payload");
        assertThat(removal.get("change").asText()).isEqualTo("removed");
        assertThat(removal.get("version").asText()).isEqualTo(removed.text("version"))
                .isEqualTo(Long.toString(bundleVersion));

        assertThat(events(globexClient, globexCursor)).extracting(e -> e.get("payload").get("trust_anchor_id").asText())
                .as("another tenant sees the global change only").containsExactly(global.text("trust_anchor_id"));
        admin.raw("DELETE", "/trust-anchors/" + global.text("trust_anchor_id"), null, null);
    }

    @Test
    void theBundleIsSignedByThePublishedServiceKey() throws Exception {
        String tenant = newTenant();
        KmsClient m21 = node.client("M21", tenant);
        add(m21, tenant, "external_ca", List.of("shared"), TestCertificates.ca("signed-bundle").build().pem());
        KmsClient.Response response = m21.get("/trust-bundles/shared");
        assertThat(response.status()).isEqualTo(200);
        JsonNode bundle = response.json();
        assertThat(bundle.get("format").asText()).isEqualTo("kms-trust-bundle/v1");
        assertThat(bundle.get("signature_algorithm").asText()).isEqualTo("EdDSA");
        assertThat(Instant.parse(bundle.get("generated_at").asText())).isBefore(Instant.now().plusSeconds(1));
        assertThat(bundle.get("anchors")).allSatisfy(a -> {
            assertThat(a.get("certificate_pem").asText()).startsWith("-----BEGIN CERTIFICATE-----");
            assertThat(a.get("fingerprint_sha256").asText()).matches("[0-9a-f]{64}");
            assertThat(Instant.parse(a.get("not_after").asText())).isAfter(Instant.now());
        });
        assertReceipt(m21, response.text("receipt_id"), "trust_bundle_read", tenant, null, true);

        // the signing key is the service's own GLOBAL key, as the admin's key read shows it
        String keyId = bundle.get("signing_key_id").asText();
        JsonNode key = admin.get("/keys/" + keyId).json();
        assertThat(key.get("key_alias").asText()).isEqualTo("kms-trust-bundle-signing");
        assertThat(key.get("tenant_id").asText()).isEqualTo("GLOBAL");
        assertThat(key.get("public_key").asText()).isEqualTo(bundle.get("signing_public_key").asText());

        // verified with Tink's Ed25519 over Jackson's key-sorted JSON: neither is the service's code
        Ed25519Verify verifier = new Ed25519Verify(rawEd25519(bundle.get("signing_public_key").asText()));
        byte[] signature = Base64.getDecoder().decode(bundle.get("signature").asText());
        verifier.verify(signature, signedBytes(response.body(), m -> { }));
        assertThatThrownBy(() -> verifier.verify(signature, signedBytes(response.body(),
                m -> ((List<?>) m.get("anchors")).remove(0)))).as("an anchor taken out").isInstanceOf(GeneralSecurityException.class);
        assertThatThrownBy(() -> verifier.verify(signature, signedBytes(response.body(),
                m -> m.put("plane", "laptop")))).as("replayed for another plane").isInstanceOf(GeneralSecurityException.class);
        assertThatThrownBy(() -> verifier.verify(signature, signedBytes(response.body(),
                m -> m.put("version", "1")))).as("an older version claimed").isInstanceOf(GeneralSecurityException.class);

        JsonNode again = m21.get("/trust-bundles/shared").json();
        assertThat(again.get("signing_key_id").asText()).as("one key for every bundle").isEqualTo(keyId);
        assertThat(again.get("version").asText()).isEqualTo(bundle.get("version").asText());
    }

    @Test
    void garbageIsRefusedWithTheReasonAndAReceipt() {
        String tenant = newTenant();
        KmsClient m21 = node.client("M21", tenant);
        Instant now = Instant.now();
        TestCertificates.Issued root = TestCertificates.ca("garbage-root").build();
        TestCertificates.Issued other = TestCertificates.ca("garbage-other").build();
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("malformed_pem", "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n");
        cases.put("multiple_certificates", root.pem() + other.pem());
        cases.put("malformed_certificate", Pem.encode("CERTIFICATE", "definitely not DER".getBytes()));
        cases.put("not_a_ca", TestCertificates.ca("leaf").ca(false).build().pem());
        cases.put("missing_key_cert_sign", TestCertificates.ca("no-cert-sign").keyUsage(KeyUsage.digitalSignature).build().pem());
        cases.put("expired", TestCertificates.ca("expired").validity(now.minus(Duration.ofDays(10)),
                now.minus(Duration.ofDays(1))).build().pem());
        cases.put("not_yet_valid", TestCertificates.ca("future").validity(now.plus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(10))).build().pem());
        cases.put("weak_key", TestCertificates.ca("rsa-1024").keys(TestCertificates.rsa(1024)).build().pem());
        cases.put("weak_signature", TestCertificates.ca("sha1").keys(TestCertificates.rsa(2048))
                .signatureAlgorithm("SHA1withRSA").build().pem());
        cases.put("root_not_self_signed", TestCertificates.ca("intermediate").issuedBy(root).build().pem());
        cases.forEach((reason, pem) -> {
            JsonNode error = assertError(add(m21, tenant, "root", List.of("tenant"), pem), 400, "INVALID_REQUEST");
            assertThat(error.get("details").get("reason").asText()).as(reason).isEqualTo(reason);
            assertThat(error.get("details").get("field").asText()).isEqualTo("certificate_pem");
            assertReceipt(m21, error.get("details").get("receipt_id").asText(), "trust_anchor_added", tenant, null, false);
        });
        assertThat(m21.get("/trust-anchors").json().get("trust_anchors")).as("nothing was added").isEmpty();

        KmsClient.Response first = add(m21, tenant, "root", List.of("tenant"), root.pem());
        assertThat(first.status()).isEqualTo(201);
        JsonNode duplicate = assertError(add(m21, tenant, "external_ca", List.of("laptop"), root.pem()), 409,
                "INVALID_REQUEST");
        assertThat(duplicate.get("details").get("reason").asText()).isEqualTo("duplicate");
        assertThat(duplicate.get("details").get("trust_anchor_id").asText()).isEqualTo(first.text("trust_anchor_id"));
        assertThat(add(admin, "GLOBAL", "root", List.of("tenant"), root.pem()).status())
                .as("the same certificate in another scope").isEqualTo(201);
    }

    @Test
    void malformedRequestsAreRefusedNamingTheField() {
        String tenant = newTenant();
        KmsClient m21 = node.client("M21", tenant);
        String pem = TestCertificates.ca("fields").build().pem();
        ObjectNode base = body(tenant, "root", List.of("tenant"), pem);
        assertField(m21.post("/trust-anchors", base.deepCopy().without("planes")), "planes");
        assertField(m21.post("/trust-anchors", base.deepCopy().set("planes", KmsClient.JSON.createArrayNode())), "planes");
        assertField(m21.post("/trust-anchors", body(tenant, "root", List.of("moon"), pem)), "planes");
        assertField(m21.post("/trust-anchors", body(tenant, "root", List.of("tenant", "tenant"), pem)), "planes");
        assertField(m21.post("/trust-anchors", body(tenant, "intermediate", List.of("tenant"), pem)), "anchor_type");
        assertField(m21.post("/trust-anchors", base.deepCopy().without("tenant_id")), "tenant_id");
        assertField(m21.post("/trust-anchors", base.deepCopy().put("tenant_id", "bad tenant")), "tenant_id");
        assertField(m21.post("/trust-anchors", base.deepCopy().without("certificate_pem")), "certificate_pem");
        assertField(m21.post("/trust-anchors", base.deepCopy().put("certificate_pem", "x".repeat(70_000))), "certificate_pem");
        assertField(m21.post("/trust-anchors", base.deepCopy().put("expires", "never")), "expires");
        assertField(m21.get("/trust-anchors/not-a-uuid"), "trust_anchor_id");
        assertField(m21.get("/trust-anchors?plane=moon"), "plane");
        assertField(m21.get("/trust-anchors?anchor_type=leaf"), "anchor_type");
        assertField(m21.get("/trust-anchors?cursor=abc"), "cursor");
        assertField(m21.get("/trust-anchors?limit=0"), "limit");
        assertField(m21.get("/trust-anchors?scope=x"), "scope");
        assertField(m21.get("/trust-bundles/moon"), "plane");
        assertField(m21.get("/trust-bundles/tenant?plane=laptop"), "plane");
        assertThat(m21.get("/trust-anchors").json().get("trust_anchors")).isEmpty();
    }

    @Test
    void listingPagesWithACursor() {
        String tenant = newTenant();
        KmsClient m21 = node.client("M21", tenant);
        List<String> added = new ArrayList<>();
        for (String plane : List.of("laptop", "tenant", "laptop")) {
            added.add(add(m21, tenant, "external_ca", List.of(plane), TestCertificates.ca("page-" + added.size()).build()
                    .pem()).text("trust_anchor_id"));
        }
        JsonNode first = m21.get("/trust-anchors?limit=2").json();
        assertThat(ids(first.get("trust_anchors"))).containsExactly(added.get(0), added.get(1));
        JsonNode second = m21.get("/trust-anchors?limit=2&cursor=" + first.get("next_cursor").asText()).json();
        assertThat(ids(second.get("trust_anchors"))).containsExactly(added.get(2));
        assertThat(second.get("next_cursor").isNull()).isTrue();
        assertThat(ids(m21.get("/trust-anchors?plane=laptop").json().get("trust_anchors")))
                .containsExactly(added.get(0), added.get(2));
        assertThat(ids(m21.get("/trust-anchors?anchor_type=root").json().get("trust_anchors"))).isEmpty();
    }

    @Test
    void twoNodesOnOnePostgresDatabaseServeOneTrustStore() throws Exception {
        java.nio.file.Path dirOne = java.nio.file.Files.createTempDirectory("kms-anchors-pg-1-");
        java.nio.file.Path dirTwo = java.nio.file.Files.createTempDirectory("kms-anchors-pg-2-");
        try (PostgresDatabases.TempDatabase db = PostgresDatabases.create("TrustAnchorsIT")) {
            java.util.function.UnaryOperator<com.zeroui.kms.ops.KmsConfig.Builder> onPostgres =
                    cfg -> cfg.database(db.url(), db.user(), db.password());
            try (TestNode one = TestNode.startIn(dirOne, onPostgres, false)) {
                java.nio.file.Files.copy(dirOne.resolve("master.key"), dirTwo.resolve("master.key"));
                try (TestNode two = TestNode.startIn(dirTwo, onPostgres, false)) {
                    String tenant = newTenant();
                    KmsClient viaOne = one.client("M21", tenant);
                    KmsClient viaTwo = two.client("M21", tenant);
                    JsonNode seededOne = one.admin().get("/trust-anchors?tenant_id=GLOBAL").json().get("trust_anchors");
                    assertThat(seededOne).as("the second node found the root seeded").hasSize(1);

                    KmsClient.Response added = add(viaOne, tenant, "external_ca", List.of("product"),
                            TestCertificates.ca("pg-anchor").build().pem());
                    assertThat(added.status()).as(added.body()).isEqualTo(201);
                    JsonNode bundleOne = viaOne.get("/trust-bundles/product").json();
                    JsonNode bundleTwo = viaTwo.get("/trust-bundles/product").json();
                    assertThat(bundleTwo.get("version").asText()).isEqualTo(bundleOne.get("version").asText())
                            .isEqualTo(added.text("version"));
                    assertThat(ids(bundleTwo.get("anchors"))).isEqualTo(ids(bundleOne.get("anchors")))
                            .contains(added.text("trust_anchor_id"), seededOne.get(0).get("trust_anchor_id").asText());
                    assertThat(bundleTwo.get("signing_key_id").asText()).as("one signing key for the whole service")
                            .isEqualTo(bundleOne.get("signing_key_id").asText());

                    assertError(add(viaTwo, tenant, "external_ca", List.of("laptop"), added.text("certificate_pem")),
                            409, "INVALID_REQUEST");
                    assertThat(viaTwo.raw("DELETE", "/trust-anchors/" + added.text("trust_anchor_id"), null, null)
                            .status()).isEqualTo(200);
                    assertThat(ids(viaOne.get("/trust-bundles/product").json().get("anchors")))
                            .doesNotContain(added.text("trust_anchor_id"));
                }
            }
        } finally {
            TestNode.deleteTree(dirOne);
            TestNode.deleteTree(dirTwo);
        }
    }

    @Test
    void responsesCarryEveryFieldTheirOpenApiSchemaRequires() {
        String tenant = newTenant();
        KmsClient m21 = node.client("M21", tenant);
        JsonNode schemas = m21.get("/openapi.json").json().get("components").get("schemas");
        JsonNode anchor = add(m21, tenant, "root", List.of("laptop"), TestCertificates.ca("schema").build().pem()).json();
        JsonNode bundle = m21.get("/trust-bundles/laptop").json();
        schemas.get("TrustAnchor").get("required").forEach(f -> assertThat(anchor.has(f.asText())).as(f.asText()).isTrue());
        schemas.get("TrustBundle").get("required").forEach(f -> assertThat(bundle.has(f.asText())).as(f.asText()).isTrue());
        JsonNode entryRequired = schemas.get("TrustBundle").get("properties").get("anchors").get("items").get("required");
        bundle.get("anchors").forEach(a -> entryRequired.forEach(f -> assertThat(a.has(f.asText())).as(f.asText()).isTrue()));
    }

    // ---- helpers ----------------------------------------------------------------------------

    private static ObjectNode body(String tenant, String type, List<String> planes, String pem) {
        ObjectNode body = KmsClient.JSON.createObjectNode().put("tenant_id", tenant).put("anchor_type", type);
        planes.forEach(body.putArray("planes")::add);
        return body.put("certificate_pem", pem);
    }

    private static KmsClient.Response add(KmsClient client, String tenant, String type, List<String> planes, String pem) {
        return client.post("/trust-anchors", body(tenant, type, planes, pem));
    }

    private static long version(KmsClient client, String plane, String tenant) {
        KmsClient.Response r = client.get("/trust-bundles/" + plane + (tenant == null ? "" : "?tenant_id=" + tenant));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return Long.parseLong(r.text("version"));
    }

    private static void assertField(KmsClient.Response response, String field) {
        JsonNode error = assertError(response, 400, "INVALID_REQUEST");
        assertThat(error.get("details").get("field").asText()).as(response.body()).isEqualTo(field);
    }

    private static void assertReceipt(KmsClient reader, String receiptId, String operation, String tenant, String anchorId,
                                      boolean success) {
        assertThat(receiptId).isNotBlank();
        KmsClient.Response proof = reader.get("/receipts/" + receiptId);
        assertThat(proof.status()).as(proof.body()).isEqualTo(200);
        JsonNode receipt = proof.json().get("receipt");
        assertThat(receipt.get("operation").asText()).isEqualTo(operation);
        assertThat(receipt.get("tenant_id").asText()).isEqualTo(tenant);
        assertThat(receipt.get("kms_context").get("success").asBoolean()).isEqualTo(success);
        if (anchorId != null) {
            assertThat(receipt.get("kms_context").get("key_id").asText()).isEqualTo(anchorId);
        }
    }

    private static JsonNode withoutReceipt(JsonNode node) {
        return ((ObjectNode) node.deepCopy()).without("receipt_id");
    }

    private static List<String> ids(JsonNode anchors) {
        List<String> out = new ArrayList<>();
        anchors.forEach(a -> out.add(a.get("trust_anchor_id").asText()));
        return out;
    }

    /** The bytes the signature covers, per docs/pki.md (Trust store): every field but signature and receipt_id, RFC 8785. */
    @SuppressWarnings("unchecked")
    private static byte[] signedBytes(String body, java.util.function.Consumer<Map<String, Object>> tamper) throws Exception {
        Map<String, Object> document = KmsClient.JSON.readValue(body, LinkedHashMap.class);
        document.remove("signature");
        document.remove("receipt_id");
        tamper.accept(document);
        // for this content (ASCII strings, no numbers) sorted-key compact JSON is the RFC 8785 form
        ObjectMapper canonical = JsonMapper.builder().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();
        return canonical.writeValueAsBytes(document);
    }

    private static byte[] rawEd25519(String pem) {
        byte[] spki = Pem.parsePublicKey(pem);
        byte[] prefix = HexFormat.of().parseHex("302a300506032b6570032100");
        assertThat(Arrays.copyOf(spki, prefix.length)).as("an Ed25519 SubjectPublicKeyInfo").isEqualTo(prefix);
        return Arrays.copyOfRange(spki, prefix.length, spki.length);
    }

    private static String latestCursor(KmsClient client) {
        String cursor = "0";
        while (true) {
            String next = client.get("/events?limit=1000&after=" + cursor).json().get("next_cursor").asText();
            if (next.equals(cursor)) {
                return cursor;
            }
            cursor = next;
        }
    }

    private static List<JsonNode> events(KmsClient client, String after) {
        List<JsonNode> out = new ArrayList<>();
        client.get("/events?limit=1000&after=" + after).json().get("events").forEach(e -> out.add(e.get("event")));
        return out;
    }

    private static String sha256(byte[] der) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
    }

    private static String newTenant() {
        return "t-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
