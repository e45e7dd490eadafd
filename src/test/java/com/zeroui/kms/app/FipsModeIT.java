package com.zeroui.kms.app;

import static com.zeroui.kms.support.ErrorResponseAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.zeroui.kms.support.Csrs;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.SoftHsm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The shipped jar started with {@code serve --fips}: the Bouncy Castle FIPS module (approved-only)
 * serves key generation, signatures, AEAD, X.509 and TLS, and non-approved algorithms are refused.
 * Every request here goes over mutual TLS terminated by BCJSSE on the module, with a server
 * certificate the node issued through bcpkix-fips.
 */
class FipsModeIT {
    private static final String TENANT = "t-fips";
    private static final byte[] DATA = "a FIPS-mode message".getBytes(StandardCharsets.UTF_8);

    @TempDir
    static Path tmp;

    static KmsProcess node;
    static KmsClient admin;

    @BeforeAll
    static void start() throws Exception {
        Path logConfig = Paths.get(FipsModeIT.class.getResource("/kms-process-logback.xml").toURI());
        node = KmsProcess.start(tmp.resolve("data"), tmp.resolve("logs"),
                List.of("-Dlogback.configurationFile=" + logConfig), List.of("--fips"), java.util.Map.of());
        admin = node.admin();
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void configShowsFipsModeTheModuleAndThatItServesEveryPrimitive() {
        KmsClient.Response r = admin.get("/config");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode config = r.json();
        assertThat(config.get("fips_mode").asBoolean()).isTrue();
        JsonNode module = config.get("fips_module");
        assertThat(module.get("name").asText()).contains("Bouncy Castle FIPS", "bc-fips");
        assertThat(module.get("version").asText()).isEqualTo("2.1.2");
        assertThat(module.get("provider").asText()).isEqualTo("BCFIPS");
        assertThat(module.get("approved_only").asBoolean()).isTrue();
        assertThat(module.get("self_test").asText()).isEqualTo("READY");
        assertThat(module.get("tls_provider").asText()).startsWith("BCJSSE");
        assertThat(config.get("crypto_provider").asText()).startsWith("BCFIPS 2.1.2");
        List<String> primitives = new ArrayList<>();
        config.get("crypto_providers").fields().forEachRemaining(e -> {
            primitives.add(e.getKey());
            assertThat(e.getValue().asText()).as(e.getKey()).isEqualTo("BCFIPS");
        });
        assertThat(primitives).containsExactlyInAnyOrder("keygen:RSA-2048", "keygen:Ed25519", "keygen:AES-256",
                "keygen:HMAC-SHA256", "keygen:ECDSA-P256", "sign:RS256", "sign:PS256", "sign:EdDSA", "sign:ES256", "aead:AES-256-GCM",
                "mac:HMAC-SHA256");
        List<String> allowed = new ArrayList<>();
        config.get("allowed_algorithms").forEach(a -> allowed.add(a.asText()));
        assertThat(allowed).containsExactly("RS256", "PS256", "EdDSA", "ES256", "AES-256-GCM", "HMAC-SHA256");
        List<String> refused = new ArrayList<>();
        module.get("refused_algorithms").forEach(a -> refused.add(a.asText()));
        assertThat(refused).containsExactly("ML-DSA-65", "CHACHA20-POLY1305");
    }

    @Test
    void healthShowsTheModulesSelfTestAsACheck() {
        KmsClient.Response r = admin.get("/health");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.text("status")).isEqualTo("healthy");
        List<String> passing = new ArrayList<>();
        r.json().get("checks").forEach(c -> {
            if (c.get("status").asText().equals("pass")) {
                passing.add(c.get("name").asText());
            }
        });
        assertThat(passing).contains("fips_module", "crypto_provider", "master_key");
    }

    @Test
    void startupOutputNamesTheModule() {
        assertThat(new String(node.output(), StandardCharsets.UTF_8))
                .contains("kms: crypto provider BCFIPS 2.1.2 (FIPS 140-3, approved-only)");
    }

    @ParameterizedTest
    @CsvSource({"Ed25519,EdDSA", "RSA-2048,RS256", "RSA-2048,PS256", "ECDSA-P256,ES256"})
    void signsAndVerifies(String type, String algorithm) {
        String keyId = created(admin.createKey(TENANT, type, "sign", "verify"));
        KmsClient.Response signed = admin.sign(TENANT, keyId, DATA, algorithm);
        assertThat(signed.status()).as(signed.body()).isEqualTo(200);
        assertThat(signed.text("algorithm")).isEqualTo(algorithm);
        assertThat(admin.verify(TENANT, keyId, DATA, signed.text("signature"), algorithm).json().get("valid").asBoolean())
                .isTrue();
        assertThat(admin.verify(TENANT, keyId, "other".getBytes(StandardCharsets.UTF_8), signed.text("signature"),
                algorithm).json().get("valid").asBoolean()).isFalse();
    }

    @Test
    void aesGcmEncryptsUnderAModuleGeneratedIvAndDecrypts() {
        String keyId = created(admin.createKey(TENANT, "AES-256", "encrypt", "decrypt"));
        byte[] aad = "context".getBytes(StandardCharsets.UTF_8);
        KmsClient.Response first = admin.encrypt(TENANT, keyId, DATA, aad, "AES-256-GCM");
        KmsClient.Response second = admin.encrypt(TENANT, keyId, DATA, aad, null);
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(second.status()).as(second.body()).isEqualTo(200);
        assertThat(java.util.Base64.getDecoder().decode(first.text("iv"))).hasSize(12);
        assertThat(first.text("iv")).isNotEqualTo(second.text("iv"));
        KmsClient.Response opened = admin.decrypt(TENANT, keyId, first.text("ciphertext"), first.text("iv"), aad, null);
        assertThat(opened.status()).as(opened.body()).isEqualTo(200);
        assertThat(java.util.Base64.getDecoder().decode(opened.text("plaintext"))).isEqualTo(DATA);
        assertError(admin.decrypt(TENANT, keyId, first.text("ciphertext"), first.text("iv"), null, null),
                400, "INVALID_REQUEST");
    }

    @Test
    void chachaIsRefusedWith400NamingTheReason() {
        String keyId = created(admin.createKey(TENANT, "AES-256", "encrypt", "decrypt"));
        JsonNode refused = assertError(admin.encrypt(TENANT, keyId, DATA, null, "CHACHA20-POLY1305"), 400, "INVALID_REQUEST");
        assertThat(refused.get("message").asText()).contains("CHACHA20-POLY1305", "not a FIPS 140-3 approved algorithm");
        assertThat(refused.get("details").get("field").asText()).isEqualTo("algorithm");
        assertError(admin.decrypt(TENANT, keyId, "AAAAAAAAAAAAAAAAAAAAAA==", "AAAAAAAAAAAAAAAA", null, "CHACHA20-POLY1305"),
                400, "INVALID_REQUEST");
    }

    /** X.509 through bcpkix-fips: a CSR is verified and a certificate issued, and it authenticates over BCJSSE. */
    @ParameterizedTest
    @CsvSource({"P-256", "RSA-2048"})
    void enrollsAClientCertificateThatThenAuthenticates(String keyKind) {
        KeyPair keys = keyKind.equals("P-256") ? Csrs.ec("secp256r1") : Csrs.rsa(2048);
        KmsClient module = clientFor(keys, enroll(keys, "M7"));
        String keyId = created(module.createKey(TENANT, "Ed25519", "sign", "verify"));
        assertThat(module.sign(TENANT, keyId, DATA, null).status()).isEqualTo(200);
    }

    /** CRLs and OCSP responses are signed through the module (bcpkix-fips over BCFIPS) and check out with the JDK. */
    @Test
    void revocationIsPublishedInSignedCrlsAndOcspResponses() throws Exception {
        KeyPair keys = Csrs.ec("secp256r1");
        KmsClient.Response enrolled = enroll(keys, "M9");
        X509Certificate leaf = Csrs.certificate(enrolled.text("certificate"));
        X509Certificate issuing = Csrs.certificate(enrolled.json().get("chain").get(0).asText());
        KmsClient.Response revoked = admin.post("/certificates/" + leaf.getSerialNumber().toString(16) + "/revoke",
                "{\"reason\":\"keyCompromise\"}");
        assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);

        KmsClient.BinaryResponse der = admin.getBytes("/ca/internal-issuing/crl");
        assertThat(der.status()).isEqualTo(200);
        java.security.cert.X509CRL crl = (java.security.cert.X509CRL) java.security.cert.CertificateFactory
                .getInstance("X.509").generateCRL(new java.io.ByteArrayInputStream(der.body()));
        crl.verify(issuing.getPublicKey());
        assertThat(crl.isRevoked(leaf)).isTrue();

        org.bouncycastle.cert.ocsp.CertificateID id = new org.bouncycastle.cert.ocsp.CertificateID(
                new org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder().build()
                        .get(org.bouncycastle.cert.ocsp.CertificateID.HASH_SHA1),
                new org.bouncycastle.cert.jcajce.JcaX509CertificateHolder(issuing), leaf.getSerialNumber());
        byte[] request = new org.bouncycastle.cert.ocsp.OCSPReqBuilder().addRequest(id).build().getEncoded();
        KmsClient.BinaryResponse r = admin.postBytes("/ocsp", "application/ocsp-request", request);
        assertThat(r.status()).isEqualTo(200);
        org.bouncycastle.cert.ocsp.BasicOCSPResp basic = (org.bouncycastle.cert.ocsp.BasicOCSPResp)
                new org.bouncycastle.cert.ocsp.OCSPResp(r.body()).getResponseObject();
        assertThat(basic.getResponses()[0].getCertStatus()).isInstanceOf(org.bouncycastle.cert.ocsp.RevokedStatus.class);
        X509Certificate responder = new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter()
                .getCertificate(basic.getCerts()[0]);
        responder.verify(issuing.getPublicKey());
        assertThat(basic.isSignatureValid(new org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder()
                .build(responder))).isTrue();
    }

    /**
     * BCJSSE in FIPS mode does not negotiate the ed25519 TLS signature scheme, so an Ed25519 client
     * certificate is issued but cannot authenticate a connection (docs/fips.md says so).
     */
    @Test
    void ed25519ClientCertificateIsIssuedButDoesNotAuthenticateOverFipsTls() {
        KeyPair keys = Csrs.ed25519();
        KmsClient.Response enrolled = enroll(keys, "M8");
        assertThat(enrolled.text("key_algorithm")).isEqualTo("Ed25519");
        assertError(clientFor(keys, enrolled).createKey(TENANT, "Ed25519", "sign", "verify"), 401, "UNAUTHENTICATED");
    }

    /**
     * FIPS mode with the master key in a PKCS#11 token (SoftHSM2, not a validated module): the token
     * wraps key material, the FIPS module does everything else, and health shows both.
     */
    @Test
    void runsWithAPkcs11MasterKey(@TempDir Path own) throws Exception {
        SoftHsm hsm = SoftHsm.create(own.resolve("hsm"), "kms-fips");
        try (KmsProcess withToken = KmsProcess.start(own.resolve("data"), own.resolve("logs"), List.of(),
                concat(List.of("--fips"), hsm.flags()), hsm.env())) {
            KmsClient client = withToken.admin();
            JsonNode health = client.get("/health").json();
            assertThat(health.get("status").asText()).as(health.toString()).isEqualTo("healthy");
            List<String> passing = new ArrayList<>();
            health.get("checks").forEach(c -> {
                if (c.get("status").asText().equals("pass")) {
                    passing.add(c.get("name").asText());
                }
            });
            assertThat(passing).contains("hsm", "fips_module");
            JsonNode config = client.get("/config").json();
            assertThat(config.get("fips_mode").asBoolean()).isTrue();
            assertThat(config.get("master_key_provider").asText()).isEqualTo("pkcs11");
            String ed = created(client.createKey(TENANT, "Ed25519", "sign", "verify"));
            assertThat(client.sign(TENANT, ed, DATA, null).status()).isEqualTo(200);
            String aes = created(client.createKey(TENANT, "AES-256", "encrypt", "decrypt"));
            KmsClient.Response sealed = client.encrypt(TENANT, aes, DATA, null, null);
            assertThat(sealed.status()).as(sealed.body()).isEqualTo(200);
            assertThat(client.decrypt(TENANT, aes, sealed.text("ciphertext"), sealed.text("iv"), null, null).status())
                    .isEqualTo(200);
            // protection level hsm: these run in the token, beside the FIPS module (docs/fips.md)
            for (String type : List.of("RSA-2048", "AES-256")) {
                com.fasterxml.jackson.databind.node.ObjectNode body = KmsClient.scope(TENANT, "dev", "tenant")
                        .put("key_type", type).put("protection_level", "hsm");
                body.putArray("key_usage").add(type.equals("AES-256") ? "encrypt" : "sign")
                        .add(type.equals("AES-256") ? "decrypt" : "verify");
                String keyId = created(client.post("/keys", body));
                if (type.equals("AES-256")) {
                    KmsClient.Response inToken = client.encrypt(TENANT, keyId, DATA, null, null);
                    assertThat(inToken.status()).as(inToken.body()).isEqualTo(200);
                    assertThat(client.decrypt(TENANT, keyId, inToken.text("ciphertext"), inToken.text("iv"), null, null)
                            .status()).isEqualTo(200);
                    assertError(client.encrypt(TENANT, keyId, DATA, null, "CHACHA20-POLY1305"), 400, "INVALID_REQUEST");
                } else {
                    KmsClient.Response signed = client.sign(TENANT, keyId, DATA, "PS256");
                    assertThat(signed.status()).as(signed.body()).isEqualTo(200);
                    assertThat(client.verify(TENANT, keyId, DATA, signed.text("signature"), "PS256").json()
                            .get("valid").asBoolean()).isTrue();
                }
            }
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static KmsClient.Response enroll(KeyPair keys, String moduleId) {
        KmsClient.Response enrolled = admin.post("/certificates",
                Csrs.body(Csrs.withUris(keys, Csrs.spiffe(TENANT, moduleId)), null, null));
        assertThat(enrolled.status()).as(enrolled.body()).isEqualTo(201);
        return enrolled;
    }

    private static KmsClient clientFor(KeyPair keys, KmsClient.Response enrolled) {
        X509Certificate leaf = Csrs.certificate(enrolled.text("certificate"));
        X509Certificate issuing = Csrs.certificate(enrolled.json().get("chain").get(0).asText());
        X509Certificate root = Csrs.certificate(read(node.dataDir().resolve("tls").resolve("ca.pem")));
        return KmsClient.fromCredential(node.baseUrl(), keys.getPrivate(), List.of(leaf, issuing), root);
    }

    private static String created(KmsClient.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.text("key_id");
    }

    private static String read(Path file) {
        try {
            return java.nio.file.Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
