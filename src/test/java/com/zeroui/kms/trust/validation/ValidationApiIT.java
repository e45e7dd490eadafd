package com.zeroui.kms.trust.validation;

import static com.zeroui.kms.support.ErrorResponseAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zeroui.kms.crypto.Pem;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.TestNode;
import com.zeroui.kms.trust.CertificateAuthority;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** POST /certificates/validate and POST /crls through the real server. */
class ValidationApiIT {
    static TestNode node;
    static KmsClient m21;
    static Chains.Standard pki;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        m21 = node.client("M21", "acme");
        pki = Chains.Standard.create();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void aGoodChainAgainstTheCallersAnchorsIsValidWithItsPath() {
        JsonNode r = validate(request(pki.leaf(), pki.intermediate()).put("hostname", "www.example.com")
                .put("purpose", "server_auth"), pki.root());
        assertThat(r.get("valid").asBoolean()).as(r.toString()).isTrue();
        assertThat(r.get("reason").asText()).isEqualTo("OK");
        assertThat(r.get("path")).hasSize(3);
        assertThat(r.get("path").get(0).get("subject").asText()).contains("www.example.com");
        assertThat(r.get("trust_anchors").asText()).isEqualTo("request");
        assertThat(r.get("revocation").get("status").asText()).isEqualTo("unknown");
        assertThat(r.get("receipt_id").asText()).isNotBlank();
    }

    @Test
    void invalidChainsAnswerWithAStableReason() {
        assertThat(validate(request(pki.leaf(), pki.intermediate()).put("hostname", "evil.example.org")
                .put("purpose", "server_auth"), pki.root()).get("reason").asText()).isEqualTo("HOSTNAME_MISMATCH");
        assertThat(validate(request(pki.leaf(), pki.intermediate()), TestPki.root("Someone Else's Root")).get("reason")
                .asText()).isEqualTo("PATH_NOT_FOUND");
        // an anchor with the issuer's name but another key: the signature is what fails
        assertThat(validate(request(pki.leaf(), pki.intermediate()), Chains.Standard.create().root()).get("reason")
                .asText()).isEqualTo("BAD_SIGNATURE");
        assertThat(validate(request(pki.leaf(), pki.intermediate()).put("validation_time", "2040-01-01T00:00:00Z"), pki.root())
                .get("reason").asText()).isEqualTo("EXPIRED");
    }

    @Test
    void revocationComesFromTheRequestOrFromIngestedCrls() {
        Chains.Standard revokedPki = Chains.Standard.create();
        X509CRL crl = TestPki.crl(revokedPki.intermediate()).revoke(revokedPki.leaf()).build();
        String crlPem = pemOf(crl);
        ObjectNode inRequest = request(revokedPki.leaf(), revokedPki.intermediate());
        inRequest.putArray("crls").add(crlPem);
        JsonNode r = validate(inRequest, revokedPki.root());
        assertThat(r.get("reason").asText()).isEqualTo("REVOKED");
        assertThat(r.get("revocation").get("source").asText()).isEqualTo("crl");

        // without the CRL in the request, best effort knows nothing; require fails
        assertThat(validate(request(revokedPki.leaf(), revokedPki.intermediate()), revokedPki.root()).get("valid").asBoolean())
                .isTrue();
        assertThat(validate(request(revokedPki.leaf(), revokedPki.intermediate()).put("revocation", "require"),
                revokedPki.root()).get("reason").asText()).isEqualTo("REVOCATION_UNKNOWN");

        // only the admin ingests; then every validation sees the CRL
        assertError(m21.post("/crls", KmsClient.JSON.createObjectNode().put("crl", crlPem)), 403, "UNAUTHORIZED");
        KmsClient.Response ingested = node.admin().post("/crls", KmsClient.JSON.createObjectNode().put("crl", crlPem));
        assertThat(ingested.status()).as(ingested.body()).isEqualTo(201);
        assertThat(ingested.json().get("crl_number").asText()).isEqualTo("42");
        assertThat(ingested.json().get("revoked_certificates").asLong()).isEqualTo(1);
        assertError(node.admin().post("/crls", KmsClient.JSON.createObjectNode().put("crl", crlPem)), 400, "INVALID_REQUEST");
        assertThat(validate(request(revokedPki.leaf(), revokedPki.intermediate()), revokedPki.root()).get("reason").asText())
                .isEqualTo("REVOKED");
        assertError(node.admin().post("/crls", KmsClient.JSON.createObjectNode().put("crl", "not a crl")), 400,
                "INVALID_REQUEST");
        assertError(node.admin().post("/crls", KmsClient.JSON.createObjectNode().put("crl",
                pemOf(TestPki.crl(revokedPki.intermediate()).noCrlNumber().build()))), 400, "INVALID_REQUEST");
    }

    @Test
    void withoutAnchorsTheTenantsBundleApplies() {
        // a module certificate from the internal CA validates against the bundle (the internal root)
        CertificateAuthority.ClientCredential credential = node.node().data().ca()
                .issueClient("M21", "acme", Set.of(), Duration.ofDays(1));
        ObjectNode body = KmsClient.JSON.createObjectNode().put("tenant_id", "acme").put("plane", "tenant")
                .put("purpose", "client_auth");
        ArrayNode chain = body.putArray("chain");
        credential.chain().forEach(c -> chain.add(Pem.certificate(c)));
        KmsClient.Response r = m21.post("/certificates/validate", body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("valid").asBoolean()).as(r.body()).isTrue();
        assertThat(r.json().get("trust_anchors").asText()).isEqualTo("bundle");
        assertError(m21.post("/certificates/validate", body.deepCopy().put("tenant_id", "globex")), 403, "UNAUTHORIZED");
        ObjectNode noScope = body.deepCopy();
        noScope.remove("tenant_id");
        assertError(m21.post("/certificates/validate", noScope), 400, "INVALID_REQUEST");
    }

    @Test
    void badRequestsAreClientErrors() {
        assertError(m21.post("/certificates/validate", KmsClient.JSON.createObjectNode()), 400, "INVALID_REQUEST");
        // a presented certificate that does not decode is a verdict (MALFORMED); a trust anchor that does not is our caller's error
        ObjectNode garbage = KmsClient.JSON.createObjectNode();
        garbage.putArray("chain").add("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----");
        garbage.putArray("trust_anchors").add(pki.root().pem());
        KmsClient.Response malformed = m21.post("/certificates/validate", garbage);
        assertThat(malformed.status()).isEqualTo(200);
        assertThat(malformed.json().get("reason").asText()).isEqualTo("MALFORMED");
        ObjectNode badAnchor = request(pki.leaf());
        badAnchor.putArray("trust_anchors").add("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----");
        assertError(m21.post("/certificates/validate", badAnchor), 400, "INVALID_REQUEST");
        ObjectNode twoBlocks = request(pki.leaf());
        twoBlocks.putArray("trust_anchors").add(pki.root().pem() + pki.intermediate().pem());
        assertError(m21.post("/certificates/validate", twoBlocks), 400, "INVALID_REQUEST");
        assertError(m21.post("/certificates/validate", request(pki.leaf()).put("purpose", "email")), 400, "INVALID_REQUEST");
        assertError(m21.post("/certificates/validate", request(pki.leaf()).put("validation_time", "yesterday")), 400,
                "INVALID_REQUEST");
        ObjectNode noAnchors = request(pki.leaf());
        noAnchors.putArray("trust_anchors");
        assertError(m21.post("/certificates/validate", noAnchors), 400, "INVALID_REQUEST");
        assertError(node.anonymous().post("/certificates/validate", request(pki.leaf())), 401, "UNAUTHENTICATED");
    }

    /** Issue 11 §6: a certificate of the internal CA, revoked, is refused by validation at once (as by mTLS and OCSP). */
    @Test
    void aRevocationByTheInternalCaIsVisibleToValidationAtOnceWithSourceOcsp() {
        KmsClient admin = node.admin();
        for (int round = 0; round < 3; round++) {
            String tenant = "t-val" + round;
            KmsClient.Response issued = admin.post("/certificates", com.zeroui.kms.support.Csrs.body(
                    com.zeroui.kms.support.Csrs.withUris(com.zeroui.kms.support.Csrs.ec("secp256r1"),
                            com.zeroui.kms.support.Csrs.spiffe(tenant, "M21")), "client", "P1D"));
            assertThat(issued.status()).as(issued.body()).isEqualTo(201);
            ObjectNode body = KmsClient.JSON.createObjectNode().put("tenant_id", "acme").put("plane", "tenant")
                    .put("purpose", "client_auth");
            body.putArray("chain").add(issued.text("certificate"))
                    .add(Pem.certificate(node.node().data().ca().ca().issuing()));
            JsonNode good = m21.post("/certificates/validate", body).json();
            assertThat(good.get("valid").asBoolean()).as(good.toString()).isTrue();
            assertThat(good.get("revocation").get("status").asText()).isEqualTo("good");
            assertThat(good.get("revocation").get("source").asText()).isEqualTo("ocsp");

            KmsClient.Response revoked = admin.post("/certificates/" + issued.text("serial") + "/revoke",
                    "{\"reason\":\"keyCompromise\"}");
            assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);
            JsonNode after = m21.post("/certificates/validate", body).json();
            assertThat(after.get("reason").asText()).as(after.toString()).isEqualTo("REVOKED");
            assertThat(after.get("revocation").get("source").asText()).isEqualTo("ocsp");
        }
    }

    @Test
    void aRevokedTrustAnchorFailsValidationWithItsOwnReason() {
        Chains.Standard own = Chains.Standard.create();
        String tenant = "t-anch" + Long.toHexString(System.nanoTime()).substring(0, 6);
        KmsClient client = node.client("M21", tenant);
        ObjectNode add = KmsClient.JSON.createObjectNode().put("tenant_id", tenant).put("anchor_type", "external_ca")
                .put("certificate_pem", own.root().pem());
        add.putArray("planes").add("tenant");
        KmsClient.Response added = client.post("/trust-anchors", add);
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        ObjectNode body = request(own.leaf(), own.intermediate()).put("tenant_id", tenant).put("plane", "tenant");
        assertThat(client.post("/certificates/validate", body).json().get("valid").asBoolean()).isTrue();

        assertThat(client.post("/trust-anchors/" + added.text("trust_anchor_id") + "/revoke",
                "{\"reason\":\"cACompromise\"}").status()).isEqualTo(200);
        JsonNode fromBundle = client.post("/certificates/validate", body).json();
        assertThat(fromBundle.get("reason").asText()).as(fromBundle.toString()).isEqualTo("ANCHOR_REVOKED");
        assertThat(fromBundle.get("failed_index").asInt()).isEqualTo(2);
        assertThat(fromBundle.get("detail").asText()).contains("cACompromise");
        // the caller supplying the same anchor itself does not get around the revocation
        ObjectNode supplied = request(own.leaf(), own.intermediate());
        supplied.putArray("trust_anchors").add(own.root().pem());
        assertThat(client.post("/certificates/validate", supplied).json().get("reason").asText()).isEqualTo("ANCHOR_REVOKED");
        // another tenant's revocations are not applied to (nor revealed by) this caller's validation
        assertThat(validate(request(own.leaf(), own.intermediate()), own.root()).get("valid").asBoolean()).isTrue();
    }

    @Test
    void profileMaxPathLengthAndStapledOcspAreRequestFields() {
        JsonNode webpki = validate(request(pki.leaf(), pki.intermediate()).put("profile", "webpki").put("purpose", "server_auth"),
                pki.root());
        assertThat(webpki.get("valid").asBoolean()).as(webpki.toString()).isTrue();
        assertThat(webpki.get("profile").asText()).isEqualTo("webpki");
        TestPki.Issued cnMismatch = TestPki.cert("CN=other.example.com").issuer(pki.intermediate()).leaf()
                .dns("www.example.com").build();
        assertThat(validate(request(cnMismatch, pki.intermediate()).put("profile", "webpki"), pki.root()).get("reason").asText())
                .isEqualTo("SUBJECT_ALT_NAME");
        assertThat(validate(request(cnMismatch, pki.intermediate()), pki.root()).get("profile").asText()).isEqualTo("rfc5280");

        assertThat(validate(request(pki.leaf(), pki.intermediate()).put("max_path_length", 0), pki.root()).get("reason").asText())
                .isEqualTo("PATH_LENGTH_EXCEEDED");
        assertThat(validate(request(pki.leaf(), pki.intermediate()).put("max_path_length", 1), pki.root()).get("valid")
                .asBoolean()).isTrue();

        byte[] revoked = OcspRevocationTest.ocsp(pki.leaf(), pki.intermediate(), new org.bouncycastle.cert.ocsp.RevokedStatus(
                java.util.Date.from(TestPki.NOW.minus(Duration.ofDays(1))), org.bouncycastle.asn1.x509.CRLReason.keyCompromise),
                pki.intermediate().keys(), null, TestPki.NOW.minus(Duration.ofHours(1)), TestPki.NOW.plus(Duration.ofHours(1)));
        ObjectNode stapled = request(pki.leaf(), pki.intermediate());
        stapled.putArray("ocsp_responses").add(Base64.getEncoder().encodeToString(revoked));
        JsonNode r = validate(stapled, pki.root());
        assertThat(r.get("reason").asText()).as(r.toString()).isEqualTo("REVOKED");
        assertThat(r.get("revocation").get("source").asText()).isEqualTo("ocsp");

        assertField(request(pki.leaf()).put("profile", "strict"), "profile");
        assertField(request(pki.leaf()).put("max_path_length", -1), "max_path_length");
        assertField(request(pki.leaf()).put("max_path_length", "two"), "max_path_length");
        ObjectNode garbage = request(pki.leaf());
        garbage.putArray("ocsp_responses").add(Base64.getEncoder().encodeToString(new byte[] {1, 2, 3}));
        assertField(garbage, "ocsp_responses");
    }

    @Test
    void aBadHostnameIsNamedAsTheHostnameField() {
        assertField(request(pki.leaf(), pki.intermediate()).put("hostname", "exa mple..com"), "hostname");
        assertField(request(pki.leaf(), pki.intermediate()).put("hostname", "."), "hostname");
    }

    @Test
    void anAnchorTheJdkCannotParseGetsAVerdictNotA400() {
        java.security.KeyPair keys = TestPki.ec();
        TestPki.Issued odd = TestPki.cert("CN=Odd Root,O=Test").ca().keys(keys)
                .signedBy(new org.bouncycastle.asn1.x500.X500Name(new org.bouncycastle.asn1.x500.RDN[0]), keys).build();
        JsonNode r = validate(request(TestPki.leaf("a.example.com", odd)), odd);
        assertThat(r.get("valid").asBoolean()).as(r.toString()).isTrue();
        assertThat(r.get("path")).hasSize(2);
    }

    private static void assertField(ObjectNode body, String field) {
        ObjectNode withAnchor = body.deepCopy();
        if (!withAnchor.has("trust_anchors")) {
            withAnchor.putArray("trust_anchors").add(pki.root().pem());
        }
        JsonNode error = assertError(m21.post("/certificates/validate", withAnchor), 400, "INVALID_REQUEST");
        assertThat(error.get("details").get("field").asText()).as(error.toString()).isEqualTo(field);
    }

    private static ObjectNode request(TestPki.Issued leaf, TestPki.Issued... intermediates) {
        ObjectNode body = KmsClient.JSON.createObjectNode().put("validation_time", TestPki.NOW.toString());
        ArrayNode chain = body.putArray("chain");
        chain.add(leaf.pem());
        for (TestPki.Issued i : intermediates) {
            chain.add(i.pem());
        }
        return body;
    }

    private static JsonNode validate(ObjectNode body, TestPki.Issued anchor) {
        ObjectNode withAnchor = body.deepCopy();
        withAnchor.putArray("trust_anchors").add(anchor.pem());
        KmsClient.Response r = m21.post("/certificates/validate", withAnchor);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private static String pemOf(X509CRL crl) {
        try {
            return "-----BEGIN X509 CRL-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(crl.getEncoded())
                    + "\n-----END X509 CRL-----\n";
        } catch (java.security.cert.CRLException e) {
            throw new IllegalStateException(e);
        }
    }
}
