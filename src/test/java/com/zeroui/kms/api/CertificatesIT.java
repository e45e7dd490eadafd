package com.zeroui.kms.api;

import static com.zeroui.kms.support.ErrorResponseAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.zeroui.kms.auth.Role;
import com.zeroui.kms.support.Csrs;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.TestNode;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Enrollment, reads, listing and revocation over the API, with the identity rules and receipts. */
class CertificatesIT {
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

    private static KmsClient.Response enroll(KmsClient client, String csr, String profile, String ttl) {
        return client.post("/certificates", Csrs.body(csr, profile, ttl));
    }

    private static String uriOf(X509Certificate cert, org.bouncycastle.asn1.ASN1ObjectIdentifier extension) throws Exception {
        byte[] value = ASN1OctetString.getInstance(cert.getExtensionValue(extension.getId())).getOctets();
        if (extension.equals(Extension.cRLDistributionPoints)) {
            GeneralNames names = (GeneralNames) CRLDistPoint.getInstance(value).getDistributionPoints()[0]
                    .getDistributionPoint().getName();
            return names.getNames()[0].getName().toString();
        }
        AccessDescription ocsp = AuthorityInformationAccess.getInstance(value).getAccessDescriptions()[0];
        assertThat(ocsp.getAccessMethod()).isEqualTo(AccessDescription.id_ad_ocsp);
        return ocsp.getAccessLocation().getName().toString();
    }

    @Test
    void adminEnrollsAnIdentityThatThenAuthenticatesAndTheReceiptNamesTheSerial() throws Exception {
        KeyPair keys = Csrs.ec("secp256r1");
        KmsClient.Response r = enroll(admin, Csrs.withUris(keys, Csrs.spiffe("t-enr", "M21"), Role.APPROVER.urn()), "client", "P30D");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        JsonNode body = r.json();
        X509Certificate cert = Csrs.certificate(body.get("certificate").asText());
        assertThat(body.get("serial").asText()).isEqualTo(cert.getSerialNumber().toString(16));
        assertThat(body.get("subject").asText()).isEqualTo(Csrs.spiffe("t-enr", "M21"));
        assertThat(body.get("status").asText()).isEqualTo("active");
        assertThat(body.get("key_algorithm").asText()).isEqualTo("EC-P256");
        assertThat(body.get("requested_by").asText()).isEqualTo("spiffe://zeroui.local/module/kms-admin");
        assertThat(Instant.parse(body.get("not_after").asText())).isEqualTo(cert.getNotAfter().toInstant());
        assertThat(Duration.between(Instant.now(), cert.getNotAfter().toInstant()).toDays()).isBetween(29L, 30L);
        assertThat(cert.getPublicKey()).isEqualTo(keys.getPublic());
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(cert.getSubjectAlternativeNames()).extracting(san -> (Object) san.get(1))
                .containsExactly(Csrs.spiffe("t-enr", "M21"), Role.APPROVER.urn());
        // chain: issuing, then root; each the node's own
        assertThat(body.get("chain")).hasSize(2);
        assertThat(Csrs.certificate(body.get("chain").get(0).asText())).isEqualTo(node.node().data().ca().ca().issuing());
        assertThat(Csrs.certificate(body.get("chain").get(1).asText())).isEqualTo(node.node().data().ca().ca().root());
        cert.verify(node.node().data().ca().ca().issuing().getPublicKey());
        // revocation pointers at this node
        String base = "https://127.0.0.1:" + node.node().port() + "/kms/v1";
        assertThat(uriOf(cert, Extension.cRLDistributionPoints)).isEqualTo(base + "/ca/internal-issuing/crl");
        assertThat(uriOf(cert, Extension.authorityInfoAccess)).isEqualTo(base + "/ocsp");

        KmsClient m21 = Csrs.clientFor(node, keys, body);
        KmsClient.Response created = m21.createKey("t-enr", "Ed25519", "sign", "verify");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.text("created_by")).isEqualTo("M21");

        JsonNode receipt = admin.get("/receipts/" + body.get("receipt_id").asText()).json().get("receipt");
        assertThat(receipt.get("operation").asText()).isEqualTo("certificate_issued");
        assertThat(receipt.get("tenant_id").asText()).as("filed under the certified tenant").isEqualTo("t-enr");
        assertThat(receipt.get("kms_context").get("key_id").asText()).isEqualTo(body.get("serial").asText());
        assertThat(receipt.get("kms_context").get("algorithm").asText()).isEqualTo("EC-P256");
        assertThat(r.headers().get("x-kms-receipt-id")).containsExactly(body.get("receipt_id").asText());
    }

    @Test
    void acceptsP256P384Rsa2048AndEd25519KeysAndRefusesWeakOrOtherKeys() {
        String id = Csrs.spiffe("t-keys", "M22");
        assertThat(enroll(admin, Csrs.withUris(Csrs.ec("secp384r1"), id), null, null).text("key_algorithm")).isEqualTo("EC-P384");
        assertThat(enroll(admin, Csrs.withUris(Csrs.rsa(2048), id), null, null).text("key_algorithm")).isEqualTo("RSA-2048");
        KmsClient.Response ed = enroll(admin, Csrs.withUris(Csrs.ed25519(), id), null, null);
        assertThat(ed.status()).as(ed.body()).isEqualTo(201);
        assertThat(ed.text("key_algorithm")).isEqualTo("Ed25519");

        JsonNode rsa1024 = assertError(enroll(admin, Csrs.withUris(Csrs.rsa(1024), id), null, null), 400, "INVALID_REQUEST");
        assertThat(rsa1024.get("message").asText()).contains("1024 bits");
        assertThat(rsa1024.get("details").get("reason").asText()).isEqualTo("unsupported_key");
        assertThat(rsa1024.get("details").get("receipt_id").asText()).as("refusals are receipted").isNotBlank();
        JsonNode p521 = assertError(enroll(admin, Csrs.withUris(Csrs.ec("secp521r1"), id), null, null), 400, "INVALID_REQUEST");
        assertThat(p521.get("details").get("reason").asText()).isEqualTo("unsupported_key");
    }

    @Test
    void malformedOrForgedRequestsAre400sNamingTheField() {
        KeyPair keys = Csrs.ec("secp256r1");
        String good = Csrs.withUris(keys, Csrs.spiffe("t-bad", "M23"));
        assertThat(assertError(enroll(admin, "not a csr", null, null), 400, "INVALID_REQUEST")
                .get("details").get("field").asText()).isEqualTo("csr");
        String garbage = "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n";
        assertThat(assertError(enroll(admin, garbage, null, null), 400, "INVALID_REQUEST").get("message").asText())
                .contains("PKCS#10");
        assertError(enroll(admin, good + good, null, null), 400, "INVALID_REQUEST");
        // the signature no longer matches once the requested identity is changed
        assertThat(assertError(enroll(admin, tamper(good), null, null), 400, "INVALID_REQUEST").get("message").asText())
                .contains("signature");
        assertThat(assertError(enroll(admin, good, "ocsp_signing", null), 400, "INVALID_REQUEST")
                .get("details").get("field").asText()).isEqualTo("profile");
        assertError(enroll(admin, good, "mainframe", null), 400, "INVALID_REQUEST");
        JsonNode shortTtl = assertError(enroll(admin, good, null, "PT1M"), 400, "INVALID_REQUEST");
        assertThat(shortTtl.get("details").get("field").asText()).isEqualTo("ttl");
        assertThat(shortTtl.get("details").get("max").asText()).isEqualTo("PT8760H");
        assertError(enroll(admin, good, null, "P3651D"), 400, "INVALID_REQUEST");
        assertError(enroll(admin, good, null, "PT-5H"), 400, "INVALID_REQUEST");
        assertThat(assertError(enroll(admin, good, null, "soon"), 400, "INVALID_REQUEST").get("details").get("field").asText())
                .isEqualTo("ttl");
        assertError(admin.post("/certificates", "{\"csr\":\"x\",\"extra\":1}"), 400, "INVALID_REQUEST");
        assertError(admin.post("/certificates", "{}"), 400, "INVALID_REQUEST");
        // identities the CA does not certify
        assertError(enroll(admin, Csrs.withUris(keys), null, null), 400, "INVALID_REQUEST");
        assertError(enroll(admin, Csrs.withUris(keys, "spiffe://other.domain/module/M23"), null, null), 400, "INVALID_REQUEST");
        assertError(enroll(admin, Csrs.withUris(keys, Csrs.spiffe("a", "M1"), Csrs.spiffe("b", "M1")), null, null),
                400, "INVALID_REQUEST");
        assertError(enroll(admin, Csrs.withUris(keys, Csrs.spiffe("a", "M1"), "urn:zeroui:kms:role:root"), null, null),
                400, "INVALID_REQUEST");
        assertError(enroll(admin, Csrs.withNames(keys, List.of(new GeneralName(GeneralName.uniformResourceIdentifier,
                Csrs.spiffe("a", "M1")), new GeneralName(GeneralName.dNSName, "a.example"))), "client", null), 400, "INVALID_REQUEST");
        assertError(enroll(admin, Csrs.withNames(keys, List.of(new GeneralName(GeneralName.rfc822Name, "a@b.example"))),
                "server", null), 400, "INVALID_REQUEST");
        assertError(enroll(admin, Csrs.withNames(keys, List.of(new GeneralName(GeneralName.dNSName, "bad_name.example"))),
                "server", null), 400, "INVALID_REQUEST");
    }

    /** Flips one bit inside the URI SAN the CSR signs over. */
    private static String tamper(String pem) {
        String b64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        byte[] der = Base64.getDecoder().decode(b64);
        byte[] needle = "M23".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i + needle.length <= der.length; i++) {
            if (der[i] == needle[0] && der[i + 1] == needle[1] && der[i + 2] == needle[2]) {
                der[i + 2] = '4';
                return com.zeroui.kms.crypto.Pem.encode("CERTIFICATE REQUEST", der);
            }
        }
        throw new AssertionError("no SAN to tamper with");
    }

    @Test
    void aModuleMayOnlyRenewItsOwnIdentityWithoutNewRoles() {
        KmsClient m24 = node.client("M24", "t-own", Role.APPROVER);
        KeyPair keys = Csrs.ec("secp256r1");
        KmsClient.Response own = enroll(m24, Csrs.withUris(keys, Csrs.spiffe("t-own", "M24"), Role.APPROVER.urn()), null, "P7D");
        assertThat(own.status()).as(own.body()).isEqualTo(201);
        assertThat(own.text("requested_by")).isEqualTo(Csrs.spiffe("t-own", "M24"));
        assertThat(enroll(m24, Csrs.withUris(keys, Csrs.spiffe("t-own", "M24")), null, null).status()).isEqualTo(201);

        JsonNode otherTenant = assertError(enroll(m24, Csrs.withUris(keys, Csrs.spiffe("t-else", "M24")), null, null),
                403, "UNAUTHORIZED");
        String receiptId = otherTenant.get("details").get("receipt_id").asText();
        JsonNode receipt = admin.get("/receipts/" + receiptId).json().get("receipt");
        assertThat(receipt.get("operation").asText()).isEqualTo("certificate_issued");
        assertThat(receipt.get("kms_context").get("success").asBoolean()).isFalse();
        assertThat(receipt.get("kms_context").get("error_code").asText()).isEqualTo("UNAUTHORIZED");
        assertError(enroll(m24, Csrs.withUris(keys, Csrs.spiffe("t-own", "M25")), null, null), 403, "UNAUTHORIZED");
        assertError(enroll(m24, Csrs.withUris(keys, Csrs.spiffe(null, "M24")), null, null), 403, "UNAUTHORIZED");
        assertError(enroll(m24, Csrs.withUris(keys, Csrs.spiffe("t-own", "M24"), Role.ADMIN.urn()), null, null),
                403, "UNAUTHORIZED");
        assertError(enroll(m24, Csrs.withNames(keys, List.of(new GeneralName(GeneralName.dNSName, "m24.example"))),
                "server", null), 403, "UNAUTHORIZED");

        KmsClient platform = node.client("M26", null);
        assertThat(enroll(platform, Csrs.withUris(keys, Csrs.spiffe(null, "M26")), null, null).status()).isEqualTo(201);
        // tenant/GLOBAL is no second spelling of the platform identity: refused as malformed for everyone (issue 11 §1)
        assertThat(assertError(enroll(platform, Csrs.withUris(keys, Csrs.spiffe("GLOBAL", "M26")), null, null), 400,
                "INVALID_REQUEST").get("message").asText()).contains("reserved");
    }

    @Test
    void serverCertificatesCarryDnsAndIpNamesAndServerAuth() throws Exception {
        KeyPair keys = Csrs.rsa(3072);
        KmsClient.Response r = enroll(admin, Csrs.withNames(keys, List.of(new GeneralName(GeneralName.dNSName, "Kms.Example"),
                new GeneralName(GeneralName.dNSName, "*.kms.example"), new GeneralName(GeneralName.iPAddress, "10.1.2.3"))),
                "server", null);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        X509Certificate cert = Csrs.certificate(r.text("certificate"));
        assertThat(r.text("subject")).isEqualTo("dns:kms.example");
        assertThat(r.text("profile")).isEqualTo("server");
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(cert.getSubjectAlternativeNames()).extracting(san -> (Object) san.get(1))
                .containsExactly("kms.example", "*.kms.example", "10.1.2.3");
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("O=ZeroUI,CN=kms.example");
        assertThat(Duration.between(Instant.now(), cert.getNotAfter().toInstant()).toDays()).as("server default 90 days")
                .isBetween(89L, 90L);
        assertError(enroll(admin, Csrs.withUris(keys, Csrs.spiffe("t", "M1")), "server", null), 400, "INVALID_REQUEST");
    }

    @Test
    void readsAndListsShowAModuleOnlyItsOwnCertificates() {
        KmsClient m27 = node.client("M27", "t-list");
        List<String> serials = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            serials.add(enroll(admin, Csrs.withUris(Csrs.ec("secp256r1"), Csrs.spiffe("t-list", "M27")), null,
                    i == 0 ? "PT1H" : null).text("serial"));
        }
        String foreign = enroll(admin, Csrs.withUris(Csrs.ec("secp256r1"), Csrs.spiffe("t-list", "M28")), null, null)
                .text("serial");

        KmsClient.Response one = m27.get("/certificates/" + serials.get(1).toUpperCase());
        assertThat(one.status()).as(one.body()).isEqualTo(200);
        assertThat(one.text("serial")).isEqualTo(serials.get(1));
        assertThat(one.text("receipt_id")).isNotBlank();
        JsonNode hidden = assertError(m27.get("/certificates/" + foreign), 404, "KEY_NOT_FOUND");
        JsonNode unknown = assertError(m27.get("/certificates/abc123"), 404, "KEY_NOT_FOUND");
        assertThat(hidden.get("message").asText().replace(foreign, "S")).isEqualTo(unknown.get("message").asText()
                .replace("abc123", "S"));
        assertError(m27.get("/certificates/xyz"), 400, "INVALID_REQUEST");
        assertError(m27.get("/certificates/" + "a".repeat(41)), 400, "INVALID_REQUEST");

        // a module lists only its own, in issue order, page by page
        List<String> listed = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = m27.get("/certificates?limit=2" + (cursor == null ? "" : "&cursor=" + cursor)).json();
            page.get("certificates").forEach(c -> listed.add(c.get("serial").asText()));
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
        } while (cursor != null);
        // its own client certificate (issued before) comes first, then the five in issue order
        assertThat(listed).hasSize(6).endsWith(serials.toArray(String[]::new));
        assertError(m27.get("/certificates?subject=" + Csrs.spiffe("t-list", "M28")), 403, "UNAUTHORIZED");

        JsonNode soon = admin.get("/certificates?subject=" + Csrs.spiffe("t-list", "M27") + "&expiring_before="
                + Instant.now().plus(Duration.ofHours(12))).json();
        assertThat(soon.get("certificates").findValuesAsText("serial")).containsExactly(serials.get(0));
        assertThat(admin.get("/certificates?subject=" + Csrs.spiffe("t-list", "M28")).json().get("certificates")
                .findValuesAsText("serial")).containsExactly(foreign);
        assertError(admin.get("/certificates?status=valid"), 400, "INVALID_REQUEST");
        assertError(admin.get("/certificates?limit=0"), 400, "INVALID_REQUEST");
        assertError(admin.get("/certificates?cursor=bm9wZQ"), 400, "INVALID_REQUEST");
        assertError(admin.get("/certificates?expiring_before=tomorrow"), 400, "INVALID_REQUEST");
        assertError(admin.get("/certificates?owner=me"), 400, "INVALID_REQUEST");
    }

    @Test
    void revocationRulesForModulesAndAdminsIncludingHolds() {
        KmsClient m29 = node.client("M29", "t-rev");
        String own = enroll(admin, Csrs.withUris(Csrs.ec("secp256r1"), Csrs.spiffe("t-rev", "M29")), null, null).text("serial");
        String other = enroll(admin, Csrs.withUris(Csrs.ec("secp256r1"), Csrs.spiffe("t-rev", "M30")), null, null).text("serial");

        assertError(m29.post("/certificates/" + own + "/revoke", "{\"reason\":\"affiliationChanged\"}"), 403, "UNAUTHORIZED");
        assertError(m29.post("/certificates/" + own + "/revoke", "{\"reason\":\"certificateHold\"}"), 403, "UNAUTHORIZED");
        assertError(m29.post("/certificates/" + other + "/revoke", "{\"reason\":\"superseded\"}"), 404, "KEY_NOT_FOUND");
        assertError(m29.post("/certificates/" + other + "/revoke", "{\"reason\":\"affiliationChanged\"}"), 404, "KEY_NOT_FOUND");
        assertError(m29.post("/certificates/" + own + "/revoke", "{\"reason\":\"bored\"}"), 400, "INVALID_REQUEST");
        assertError(admin.post("/certificates/ffff/revoke", "{}"), 404, "KEY_NOT_FOUND");

        KmsClient.Response revoked = m29.post("/certificates/" + own + "/revoke", "{\"reason\":\"superseded\"}");
        assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);
        assertThat(revoked.text("status")).isEqualTo("revoked");
        assertThat(revoked.text("revocation_reason")).isEqualTo("superseded");
        assertThat(revoked.text("revoked_at")).isNotNull();
        JsonNode again = assertError(admin.post("/certificates/" + own + "/revoke", "{\"reason\":\"keyCompromise\"}"),
                409, "KEY_REVOKED");
        assertThat(again.get("details").get("revocation_reason").asText()).isEqualTo("superseded");
        JsonNode receipt = admin.get("/receipts/" + revoked.text("receipt_id")).json().get("receipt");
        assertThat(receipt.get("operation").asText()).isEqualTo("certificate_revoked");
        assertThat(receipt.get("tenant_id").asText()).isEqualTo("t-rev");

        // a hold is released by removeFromCRL, or made permanent keeping its time
        KmsClient.Response held = admin.post("/certificates/" + other + "/revoke", "{\"reason\":\"certificateHold\"}");
        assertThat(held.text("revocation_reason")).isEqualTo("certificateHold");
        assertError(admin.post("/certificates/" + other + "/revoke", "{\"reason\":\"certificateHold\"}"), 409, "KEY_REVOKED");
        KmsClient.Response released = admin.post("/certificates/" + other + "/revoke", "{\"reason\":\"removeFromCRL\"}");
        assertThat(released.status()).as(released.body()).isEqualTo(200);
        assertThat(released.text("status")).isEqualTo("active");
        assertThat(released.text("revoked_at")).isNull();
        assertError(admin.post("/certificates/" + other + "/revoke", "{\"reason\":\"removeFromCRL\"}"), 400, "INVALID_REQUEST");
        String heldAt = admin.post("/certificates/" + other + "/revoke", "{\"reason\":\"certificateHold\"}").text("revoked_at");
        KmsClient.Response permanent = admin.post("/certificates/" + other + "/revoke", "{\"reason\":\"privilegeWithdrawn\"}");
        assertThat(permanent.text("revocation_reason")).isEqualTo("privilegeWithdrawn");
        assertThat(permanent.text("revoked_at")).isEqualTo(heldAt);
        assertError(admin.post("/certificates/" + other + "/revoke", "{\"reason\":\"removeFromCRL\"}"), 409, "KEY_REVOKED");

        String unspecified = enroll(admin, Csrs.withUris(Csrs.ec("secp256r1"), Csrs.spiffe("t-rev", "M31")), null, null)
                .text("serial");
        assertThat(admin.post("/certificates/" + unspecified + "/revoke", "{}").text("revocation_reason")).isEqualTo("unspecified");
        JsonNode revokedList = admin.get("/certificates?status=revoked&subject=" + Csrs.spiffe("t-rev", "M29")).json();
        assertThat(revokedList.get("certificates").findValuesAsText("serial")).containsExactly(own);
    }

    @Test
    void aRevokedCertificateNoLongerAuthenticatesNorRenews() {
        KeyPair keys = Csrs.ec("secp256r1");
        JsonNode enrolled = enroll(admin, Csrs.withUris(keys, Csrs.spiffe("t-gone", "M32")), null, null).json();
        KmsClient m32 = Csrs.clientFor(node, keys, enrolled);
        assertThat(m32.get("/keys?tenant_id=t-gone").status()).isEqualTo(200);
        assertThat(m32.post("/certificates/" + enrolled.get("serial").asText() + "/revoke", "{\"reason\":\"keyCompromise\"}")
                .status()).isEqualTo(200);

        JsonNode refused = assertError(m32.get("/keys?tenant_id=t-gone"), 401, "UNAUTHENTICATED");
        assertThat(refused.get("details").get("reason").asText()).isEqualTo("certificate_revoked");
        assertError(enroll(m32, Csrs.withUris(Csrs.ec("secp256r1"), Csrs.spiffe("t-gone", "M32")), null, null),
                401, "UNAUTHENTICATED");
    }

    @Test
    void theConfiguredPublicUrlIsWhereIssuedCertificatesPoint() throws Exception {
        try (TestNode behindProxy = TestNode.start(cfg -> cfg.pki(cfg.pki()
                .withPublicUrl(java.net.URI.create("http://pki.example:8080/edge/"))))) {
            KmsClient.Response r = enroll(behindProxy.admin(), Csrs.withUris(Csrs.ec("secp256r1"), Csrs.spiffe("t", "M1")), null, null);
            X509Certificate cert = Csrs.certificate(r.text("certificate"));
            assertThat(uriOf(cert, Extension.cRLDistributionPoints))
                    .isEqualTo("http://pki.example:8080/edge/kms/v1/ca/internal-issuing/crl");
            assertThat(uriOf(cert, Extension.authorityInfoAccess)).isEqualTo("http://pki.example:8080/edge/kms/v1/ocsp");
            JsonNode config = behindProxy.admin().get("/config").json().get("certificates");
            assertThat(config.get("public_url").asText()).isEqualTo("http://pki.example:8080/edge");
            assertThat(config.get("max_ttl").asText()).isEqualTo("PT8760H");
            assertThat(config.get("crl_validity").asText()).isEqualTo("PT24H");
        }
    }

    @Test
    void certificateRoutesNeedAClientCertificate() {
        KmsClient anonymous = node.anonymous();
        assertError(anonymous.post("/certificates", Csrs.body(Csrs.withUris(Csrs.ec("secp256r1"), Csrs.spiffe("t", "M1")),
                null, null)), 401, "UNAUTHENTICATED");
        assertError(anonymous.get("/certificates"), 401, "UNAUTHENTICATED");
        assertError(anonymous.get("/certificates/abc"), 401, "UNAUTHENTICATED");
        assertError(anonymous.post("/certificates/abc/revoke", "{}"), 401, "UNAUTHENTICATED");
        assertError(anonymous.get("/ocsp"), 401, "UNAUTHENTICATED");
    }
}
