package com.zeroui.kms.api;

import static com.zeroui.kms.support.ErrorResponseAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.zeroui.kms.crypto.Pem;
import com.zeroui.kms.support.Csrs;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.TestNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CRLs and OCSP as relying parties consume them: the real {@code openssl verify -crl_check} and
 * {@code openssl ocsp} against certificates enrolled through the API (CSRs made by {@code openssl
 * req}), Bouncy Castle for what the CLI does not show (nonces, GET, error statuses), and the rule
 * that only these routes answer without a client certificate.
 */
class RevocationIT {
    @TempDir
    static Path tmp;
    static TestNode node;
    static KmsClient admin;
    static KmsClient anonymous;
    static Path caBundle;
    static Path issuingPem;

    @BeforeAll
    static void start() throws IOException {
        node = TestNode.start();
        admin = node.admin();
        anonymous = node.anonymous();
        issuingPem = tmp.resolve("issuing.pem");
        Files.writeString(issuingPem, Pem.certificate(node.node().data().ca().ca().issuing()));
        caBundle = tmp.resolve("ca-bundle.pem");
        Files.writeString(caBundle, Pem.certificates(List.of(node.node().data().ca().ca().issuing(),
                node.node().data().ca().ca().root())));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    record Run(int exit, String output) {
    }

    static Run openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).directory(tmp.toFile()).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("openssl %s finished", args[0]).isTrue();
        return new Run(p.exitValue(), out);
    }

    /** A CSR from openssl itself, enrolled through the API; returns the certificate file. */
    static Path enrollWithOpenssl(String name, String module) throws Exception {
        Path key = tmp.resolve(name + ".key");
        Path csr = tmp.resolve(name + ".csr");
        Run req = openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", key.toString(), "-subj", "/CN=ignored", "-addext",
                "subjectAltName=URI:" + Csrs.spiffe("t-ocsp", module), "-out", csr.toString());
        assertThat(req.exit()).as(req.output()).isZero();
        KmsClient.Response r = admin.post("/certificates", Csrs.body(Files.readString(csr), "client", "P1D"));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        Path cert = tmp.resolve(name + ".pem");
        Files.writeString(cert, r.text("certificate"));
        return cert;
    }

    static String serialOf(Path certPem) throws IOException {
        return Csrs.certificate(Files.readString(certPem)).getSerialNumber().toString(16);
    }

    /** Downloads the issuing CA's CRL (DER, the default) and converts it to PEM with openssl. */
    static Path downloadCrl(String name) throws Exception {
        KmsClient.BinaryResponse der = anonymous.getBytes("/ca/internal-issuing/crl");
        assertThat(der.status()).isEqualTo(200);
        assertThat(der.header("content-type")).isEqualTo("application/pkix-crl");
        Path derFile = tmp.resolve(name + ".der");
        Files.write(derFile, der.body());
        Path pem = tmp.resolve(name + ".pem");
        Run convert = openssl("crl", "-inform", "DER", "-in", derFile.toString(), "-out", pem.toString());
        assertThat(convert.exit()).as(convert.output()).isZero();
        return pem;
    }

    static Run verify(Path crl, Path cert) throws Exception {
        return openssl("verify", "-crl_check", "-CAfile", caBundle.toString(), "-CRLfile", crl.toString(), cert.toString());
    }

    static Run ocsp(String... target) throws Exception {
        List<String> args = new ArrayList<>(List.of("ocsp", "-issuer", issuingPem.toString(), "-url",
                "https://127.0.0.1:" + node.node().port() + "/kms/v1/ocsp", "-CAfile", caBundle.toString()));
        args.addAll(List.of(target));
        return openssl(args.toArray(String[]::new));
    }

    static long crlNumber(Path crlPem) throws Exception {
        Run text = openssl("crl", "-in", crlPem.toString(), "-noout", "-crlnumber");
        assertThat(text.exit()).as(text.output()).isZero();
        return Long.parseLong(text.output().trim().substring("crlNumber=0x".length()), 16);
    }

    @Test
    void opensslSeesGoodThenRevokedThroughCrlAndOcsp() throws Exception {
        Path cert = enrollWithOpenssl("leaf", "M41");
        Path before = downloadCrl("crl-before");
        Run ok = verify(before, cert);
        assertThat(ok.exit()).as(ok.output()).isZero();
        assertThat(ok.output()).contains(cert + ": OK");
        Run good = ocsp("-cert", cert.toString());
        assertThat(good.exit()).as(good.output()).isZero();
        assertThat(good.output()).contains("Response verify OK").contains(cert + ": good").doesNotContain("WARNING");

        KmsClient.Response revoked = admin.post("/certificates/" + serialOf(cert) + "/revoke", "{\"reason\":\"keyCompromise\"}");
        assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);

        Path after = downloadCrl("crl-after");
        assertThat(crlNumber(after)).isGreaterThan(crlNumber(before));
        Run refused = verify(after, cert);
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.output()).contains("certificate revoked");
        Run listed = openssl("crl", "-in", after.toString(), "-noout", "-text");
        assertThat(listed.output()).contains("Serial Number: " + serialOf(cert).toUpperCase()).contains("Key Compromise");
        Run ocspRevoked = ocsp("-cert", cert.toString());
        assertThat(ocspRevoked.exit()).as(ocspRevoked.output()).isZero();
        assertThat(ocspRevoked.output()).contains("Response verify OK").contains(cert + ": revoked")
                .contains("Reason: keyCompromise").contains("Revocation Time:");
    }

    @Test
    void opensslSeesUnknownForSerialsTheCaNeverIssued() throws Exception {
        Run unknown = ocsp("-serial", "0x1234abcd");
        assertThat(unknown.exit()).as(unknown.output()).isZero();
        assertThat(unknown.output()).contains("Response verify OK").contains("0x1234abcd: unknown");
    }

    @Test
    void aHoldIsRevokedUntilReleased() throws Exception {
        Path cert = enrollWithOpenssl("held", "M42");
        admin.post("/certificates/" + serialOf(cert) + "/revoke", "{\"reason\":\"certificateHold\"}");
        assertThat(ocsp("-cert", cert.toString()).output()).contains(cert + ": revoked").contains("Reason: certificateHold");
        assertThat(verify(downloadCrl("crl-hold"), cert).output()).contains("certificate revoked");
        admin.post("/certificates/" + serialOf(cert) + "/revoke", "{\"reason\":\"removeFromCRL\"}");
        assertThat(ocsp("-cert", cert.toString()).output()).contains(cert + ": good");
        Run ok = verify(downloadCrl("crl-released"), cert);
        assertThat(ok.exit()).as(ok.output()).isZero();
    }

    // ---- Bouncy Castle as the client ----------------------------------------------------------------

    static CertificateID idOf(X509Certificate cert, X509Certificate issuer) throws Exception {
        return new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
                new JcaX509CertificateHolder(issuer), cert.getSerialNumber());
    }

    static BasicOCSPResp post(byte[] request) throws Exception {
        KmsClient.BinaryResponse r = anonymous.postBytes("/ocsp", "application/ocsp-request", request);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("content-type")).isEqualTo("application/ocsp-response");
        OCSPResp resp = new OCSPResp(r.body());
        assertThat(resp.getStatus()).isEqualTo(OCSPResp.SUCCESSFUL);
        return (BasicOCSPResp) resp.getResponseObject();
    }

    @Test
    void responsesAreSignedByADelegatedResponderEchoTheNonceAndAnswerEachCertificate() throws Exception {
        X509Certificate issuing = node.node().data().ca().ca().issuing();
        JsonNode good = admin.post("/certificates", Csrs.body(Csrs.withUris(Csrs.ec("secp256r1"), Csrs.spiffe("t-ocsp", "M43")),
                null, null)).json();
        JsonNode bad = admin.post("/certificates", Csrs.body(Csrs.withUris(Csrs.ec("secp256r1"), Csrs.spiffe("t-ocsp", "M44")),
                null, null)).json();
        admin.post("/certificates/" + bad.get("serial").asText() + "/revoke", "{\"reason\":\"cessationOfOperation\"}");
        byte[] nonce = new byte[16];
        new java.security.SecureRandom().nextBytes(nonce);
        OCSPReq request = new OCSPReqBuilder()
                .addRequest(idOf(Csrs.certificate(good.get("certificate").asText()), issuing))
                .addRequest(idOf(Csrs.certificate(bad.get("certificate").asText()), issuing))
                .addRequest(idOf(issuing, node.node().data().ca().ca().root())) // issued by the root: not ours to answer
                .setRequestExtensions(new Extensions(new Extension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false,
                        new DEROctetString(new DEROctetString(nonce)))))
                .build();
        BasicOCSPResp response = post(request.getEncoded());

        assertThat(ASN1OctetString.getInstance(response.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce)
                .getParsedValue()).getOctets()).isEqualTo(nonce);
        X509CertificateHolder responder = response.getCerts()[0];
        assertThat(response.isSignatureValid(new JcaContentVerifierProviderBuilder().build(responder))).isTrue();
        assertThat(responder.isSignatureValid(new JcaContentVerifierProviderBuilder().build(issuing.getPublicKey()))).isTrue();
        assertThat(responder.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nocheck)).isNotNull();
        assertThat(org.bouncycastle.asn1.x509.ExtendedKeyUsage.fromExtensions(responder.getExtensions())
                .hasKeyPurposeId(org.bouncycastle.asn1.x509.KeyPurposeId.id_kp_OCSPSigning)).isTrue();

        SingleResp[] answers = response.getResponses();
        assertThat(answers).hasSize(3);
        assertThat(answers[0].getCertStatus()).isEqualTo(CertificateStatus.GOOD);
        RevokedStatus revoked = (RevokedStatus) answers[1].getCertStatus();
        assertThat(revoked.getRevocationReason()).isEqualTo(CRLReason.cessationOfOperation);
        assertThat(revoked.getRevocationTime().toInstant()).isEqualTo(java.time.Instant.parse(
                admin.get("/certificates/" + bad.get("serial").asText()).text("revoked_at")));
        assertThat(answers[2].getCertStatus()).isInstanceOf(UnknownStatus.class);
        assertThat(answers[0].getNextUpdate()).isAfter(answers[0].getThisUpdate());

        // the same request by GET (RFC 6960 A.1), URL-encoded or not, gets the same statuses
        String b64 = Base64.getEncoder().encodeToString(new OCSPReqBuilder()
                .addRequest(idOf(Csrs.certificate(bad.get("certificate").asText()), issuing)).build().getEncoded());
        for (String path : List.of(b64, URLEncoder.encode(b64, StandardCharsets.UTF_8))) {
            KmsClient.BinaryResponse viaGet = anonymous.getBytes("/ocsp/" + path);
            assertThat(viaGet.header("content-type")).isEqualTo("application/ocsp-response");
            BasicOCSPResp basic = (BasicOCSPResp) new OCSPResp(viaGet.body()).getResponseObject();
            assertThat(basic.getResponses()[0].getCertStatus()).isInstanceOf(RevokedStatus.class);
        }
    }

    @Test
    void protocolErrorsAreOcspStatusesAndTheWrongMediaTypeIsA415() throws Exception {
        for (byte[] junk : List.of(new byte[0], "hello".getBytes(StandardCharsets.US_ASCII), new byte[] {0x30, 0x03, 0x02, 0x01, 0x05})) {
            KmsClient.BinaryResponse r = anonymous.postBytes("/ocsp", "application/ocsp-request", junk);
            assertThat(r.status()).isEqualTo(200);
            assertThat(new OCSPResp(r.body()).getStatus()).isEqualTo(OCSPResp.MALFORMED_REQUEST);
        }
        for (String path : List.of("/ocsp/abc", "/ocsp/aGVsbG8=")) { // not base64; base64 of no DER
            assertThat(new OCSPResp(anonymous.getBytes(path).body()).getStatus()).as(path).isEqualTo(OCSPResp.MALFORMED_REQUEST);
        }
        X509Certificate issuing = node.node().data().ca().ca().issuing();
        OCSPReqBuilder tooMany = new OCSPReqBuilder();
        for (int i = 0; i < 33; i++) {
            tooMany.addRequest(new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
                    new JcaX509CertificateHolder(issuing), BigInteger.valueOf(i + 1)));
        }
        assertThat(new OCSPResp(anonymous.postBytes("/ocsp", "application/ocsp-request", tooMany.build().getEncoded()).body())
                .getStatus()).isEqualTo(OCSPResp.MALFORMED_REQUEST);
        OCSPReq longNonce = new OCSPReqBuilder().addRequest(idOf(issuing, node.node().data().ca().ca().root()))
                .setRequestExtensions(new Extensions(new Extension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false,
                        new DEROctetString(new DEROctetString(new byte[33]))))).build();
        assertThat(new OCSPResp(anonymous.postBytes("/ocsp", "application/ocsp-request", longNonce.getEncoded()).body())
                .getStatus()).isEqualTo(OCSPResp.MALFORMED_REQUEST);

        assertError(anonymous.post("/ocsp", "{}"), 415, "INVALID_REQUEST");
    }

    @Test
    void crlsAreDerOrPemSignedByTheirCaNumberedAndCachedUntilSomethingChanges() throws Exception {
        KmsClient.BinaryResponse first = anonymous.getBytes("/ca/internal-issuing/crl");
        KmsClient.BinaryResponse second = anonymous.getBytes("/ca/internal-issuing/crl");
        assertThat(second.body()).as("served from the stored CRL").isEqualTo(first.body());
        X509CRL crl = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(first.body()));
        crl.verify(node.node().data().ca().ca().issuing().getPublicKey());
        assertThat(java.time.Duration.between(crl.getThisUpdate().toInstant(), crl.getNextUpdate().toInstant()))
                .isEqualTo(java.time.Duration.ofHours(24));
        assertThat(crl.getExtensionValue(Extension.authorityKeyIdentifier.getId())).isNotNull();

        String viaQuery = anonymous.getBytes("/ca/internal-issuing/crl?format=pem").text();
        String viaAccept = anonymous.getBytes("/ca/internal-issuing/crl", "Accept", "application/x-pem-file").text();
        assertThat(viaQuery).startsWith("-----BEGIN X509 CRL-----").isEqualTo(viaAccept);
        assertThat(anonymous.getBytes("/ca/internal-issuing/crl?format=pem").header("content-type"))
                .isEqualTo("application/x-pem-file");

        X509CRL root = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(
                new ByteArrayInputStream(anonymous.getBytes("/ca/internal-root/crl").body()));
        root.verify(node.node().data().ca().ca().root().getPublicKey());
        assertThat(root.getRevokedCertificates()).isNull();

        assertError(anonymous.get("/ca/internal-other/crl"), 404, "KEY_NOT_FOUND");
        assertError(anonymous.get("/ca/internal-issuing/crl?format=xml"), 400, "INVALID_REQUEST");
        assertError(anonymous.get("/ca/internal-issuing/crl?since=1"), 400, "INVALID_REQUEST");

        // a revocation re-signs the CRL under the next number
        long before = crlNumberOf(anonymous.getBytes("/ca/internal-issuing/crl").body());
        String serial = admin.post("/certificates", Csrs.body(Csrs.withUris(Csrs.ec("secp256r1"), Csrs.spiffe("t-ocsp", "M45")),
                null, null)).text("serial");
        assertThat(crlNumberOf(anonymous.getBytes("/ca/internal-issuing/crl").body())).as("issuing alone changes nothing")
                .isEqualTo(before);
        admin.post("/certificates/" + serial + "/revoke", "{}");
        byte[] after = anonymous.getBytes("/ca/internal-issuing/crl").body();
        assertThat(crlNumberOf(after)).isGreaterThan(before);
        X509CRL revoked = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(after));
        var entry = revoked.getRevokedCertificate(new BigInteger(serial, 16));
        assertThat(entry).isNotNull();
        assertThat(entry.getExtensionValue(Extension.reasonCode.getId())).as("unspecified carries no reason code").isNull();
    }

    static long crlNumberOf(byte[] der) throws Exception {
        X509CRL crl = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(der));
        byte[] value = ASN1OctetString.getInstance(crl.getExtensionValue(Extension.cRLNumber.getId())).getOctets();
        return ASN1Integer.getInstance(value).getValue().longValueExact();
    }

    // ---- only the revocation routes are public ---------------------------------------------------------

    static KmsClient.Response rawAnonymous(String method, String path) throws IOException {
        return RawHttps.exchange(KmsClient.sslContext(null, null, node.node().data().ca().ca().root()), node.node().port(),
                (method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void nothingButTheRevocationRoutesAnswersWithoutACertificate() throws IOException {
        for (String path : List.of("/kms/v1/ocsp/../keys", "/kms/v1/ca/x/../../keys/crl", "/kms/v1/ca/internal-issuing/crl/../../../keys",
                "/kms/v1/ocsp/..%2Fkeys", "/kms/v1/ocsp/;/../../keys", "/kms/v1/keys;/../ocsp/x", "/kms/v1/ca/internal-issuing;x=1/crl",
                "/kms/v1/ca/../config/crl", "/kms/v1//keys", "/kms/v1/ocsp", "/kms/v1/certificates")) {
            KmsClient.Response r = rawAnonymous("GET", path);
            assertThat(r.status()).as("GET %s: %s", path, r.body()).isIn(400, 401, 404);
            assertThat(r.body()).as(path).doesNotContain("\"keys\"").doesNotContain("trust_domain");
        }
        assertThat(rawAnonymous("POST", "/kms/v1/ca/internal-issuing/crl").status()).isEqualTo(401);
        assertThat(rawAnonymous("POST", "/kms/v1/ocsp/x").status()).isEqualTo(401);
        // a dot segment inside the OCSP path stays inside the OCSP route
        KmsClient.Response encodedDots = rawAnonymous("GET", "/kms/v1/ocsp/%2e%2e/keys");
        assertThat(encodedDots.headers().get("content-type")).containsExactly("application/ocsp-response");
    }

    @Test
    void publicPathsMatchOnlyTheRevocationRoutes() {
        assertThat(HttpServer.isPublic("GET", "/kms/v1/ca/internal-issuing/crl")).isTrue();
        assertThat(HttpServer.isPublic("GET", "/kms/v1/ocsp/MFUwUzBR+/=")).isTrue();
        assertThat(HttpServer.isPublic("POST", "/kms/v1/ocsp")).isTrue();
        assertThat(HttpServer.isPublic("GET", "/kms/v1/health")).isTrue();
        for (String path : List.of("/kms/v1/ca/../crl", "/kms/v1/ca/a/b/crl", "/kms/v1/ca/.x/crl", "/kms/v1/ocsp/../keys",
                "/kms/v1/ocsp", "/kms/v1/ocsp/", "/kms/v1/keys", "/kms/v1/ca/x/crl/", "/kms/v1/ca/x/crlx", "/kms/v1/certificates",
                "/kms/v1/ocsp/a.b", "/kms/v1/health/")) {
            assertThat(HttpServer.isPublic("GET", path)).as(path).isFalse();
        }
        assertThat(HttpServer.isPublic("POST", "/kms/v1/ca/internal-issuing/crl")).isFalse();
        assertThat(HttpServer.isPublic("POST", "/kms/v1/ocsp/x")).isFalse();
        assertThat(HttpServer.isPublic("PUT", "/kms/v1/ocsp")).isFalse();
    }
}
