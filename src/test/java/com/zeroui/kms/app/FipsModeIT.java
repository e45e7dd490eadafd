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

    @Test
    void randomBytesComeFromTheModulesDrbg() {
        KmsClient.Response first = admin.post("/random", scope().put("length", 48));
        KmsClient.Response second = admin.post("/random", scope().put("length", 48));
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(B64D.decode(first.text("random"))).hasSize(48);
        assertThat(first.text("random")).isNotEqualTo(second.text("random"));
        // the receipt names the generator: the module's approved SP 800-90A DRBG, no other source
        JsonNode receipt = admin.get("/receipts/" + first.text("receipt_id")).json().get("receipt");
        assertThat(receipt.get("operation").asText()).isEqualTo("random_generated");
        assertThat(receipt.at("/kms_context/algorithm").asText()).endsWith("(BCFIPS)");
        assertError(admin.post("/random", scope().put("length", 0)), 400, "INVALID_REQUEST");
    }

    @Test
    void hkdfIsRefusedWith400SayingWhyAndPbkdf2IsTheModulesAndMatchesTheJdk() throws Exception {
        String key = created(admin.createKey(TENANT, "AES-256", "derive"));
        JsonNode refused = assertError(admin.post("/derive", scope().put("method", "HKDF-SHA256").put("key_id", key)
                .put("info", "aW5mbw==")), 400, "INVALID_REQUEST");
        assertThat(refused.at("/details/field").asText()).isEqualTo("method");
        assertThat(refused.get("message").asText()).contains("HKDF-SHA256", "not a FIPS 140-3 approved",
                "PBKDF2-HMAC-SHA256 is available");

        KmsClient.Response derived = admin.post("/derive", pbkdf2(PASSWORD));
        assertThat(derived.status()).as(derived.body()).isEqualTo(200);
        assertThat(B64D.decode(derived.text("derived"))).isEqualTo(jdkPbkdf2(PASSWORD));
        // the module's SP 800-132 checks: a password too short for an approved derivation is a 400 naming it
        JsonNode weak = assertError(admin.post("/derive", pbkdf2("pw")), 400, "INVALID_REQUEST");
        assertThat(weak.at("/details/field").asText()).isEqualTo("password");
        assertThat(weak.get("message").asText()).contains("FIPS", "112 bits");
    }

    /** A PBKDF2 output stored as an HMAC key, so the tags can be checked against the JDK's HMAC over known bytes. */
    @Test
    void macAndMacVerifyRunOnTheModuleAndMatchAnIndependentHmac() throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode body = pbkdf2(PASSWORD);
        body.putObject("store_as").put("key_type", "HMAC-SHA256");
        KmsClient.Response stored = admin.post("/derive", body);
        assertThat(stored.status()).as(stored.body()).isEqualTo(201);
        String keyId = stored.json().at("/key/key_id").asText();
        javax.crypto.Mac jdk = javax.crypto.Mac.getInstance("HmacSHA256");
        jdk.init(new javax.crypto.spec.SecretKeySpec(jdkPbkdf2(PASSWORD), "HmacSHA256"));
        byte[] expected = jdk.doFinal(DATA);

        KmsClient.Response mac = admin.post("/mac", scope().put("key_id", keyId).put("data", B64.encodeToString(DATA)));
        assertThat(mac.status()).as(mac.body()).isEqualTo(200);
        assertThat(mac.text("algorithm")).isEqualTo("HMAC-SHA256");
        assertThat(B64D.decode(mac.text("mac"))).isEqualTo(expected);
        KmsClient.Response valid = admin.post("/mac/verify", scope().put("key_id", keyId)
                .put("data", B64.encodeToString(DATA)).put("mac", B64.encodeToString(expected)));
        assertThat(valid.json().get("valid").asBoolean()).as(valid.body()).isTrue();
        KmsClient.Response invalid = admin.post("/mac/verify", scope().put("key_id", keyId)
                .put("data", B64.encodeToString("other".getBytes(StandardCharsets.UTF_8)))
                .put("mac", B64.encodeToString(expected)));
        assertThat(invalid.json().get("valid").asBoolean()).as(invalid.body()).isFalse();
    }

    @Test
    void dataKeysAndRewrapSealWithTheModuleAndOpenAgain() throws Exception {
        String from = created(admin.createKey(TENANT, "AES-256", "encrypt", "decrypt"));
        String to = created(admin.createKey(TENANT, "AES-256", "encrypt", "decrypt"));
        KmsClient.Response dataKey = admin.post("/datakeys", scope().put("key_id", from).put("key_spec", "AES-256"));
        assertThat(dataKey.status()).as(dataKey.body()).isEqualTo(200);
        byte[] plaintext = B64D.decode(dataKey.text("plaintext"));
        assertThat(plaintext).hasSize(32);
        com.zeroui.kms.crypto.CiphertextBlob blob = com.zeroui.kms.crypto.CiphertextBlob.decode(
                B64D.decode(dataKey.text("ciphertext_blob"))).orElseThrow();
        assertThat(blob.keyId()).isEqualTo(from);
        assertThat(blob.algorithm().apiName()).isEqualTo("AES-256-GCM");
        // the data key is the key the blob holds: AES-GCM in this JVM opens it
        javax.crypto.Cipher gcm = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(javax.crypto.Cipher.ENCRYPT_MODE, new javax.crypto.spec.SecretKeySpec(plaintext, "AES"),
                new javax.crypto.spec.GCMParameterSpec(128, new byte[12]));
        assertThat(gcm.doFinal(DATA)).hasSize(DATA.length + 16);

        KmsClient.Response moved = admin.post("/rewrap", scope().put("ciphertext_blob", dataKey.text("ciphertext_blob"))
                .put("destination_key_id", to));
        assertThat(moved.status()).as(moved.body()).isEqualTo(200);
        assertThat(moved.text("key_id")).isEqualTo(to);
        assertThat(moved.text("source_key_id")).isEqualTo(from);
        assertThat(moved.body()).doesNotContain(dataKey.text("plaintext"));
        KmsClient.Response opened = admin.post("/decrypt", scope().put("ciphertext_blob", moved.text("ciphertext_blob")));
        assertThat(opened.status()).as(opened.body()).isEqualTo(200);
        assertThat(opened.text("key_id")).isEqualTo(to);
        assertThat(B64D.decode(opened.text("plaintext"))).isEqualTo(plaintext);

        // a blob that names CHACHA20-POLY1305 is refused for the algorithm, before any key is used
        byte[] chacha = new com.zeroui.kms.crypto.CiphertextBlob(com.zeroui.kms.crypto.AeadAlgorithm.CHACHA20_POLY1305,
                from, 0, new byte[12], new byte[32]).encode();
        for (String path : List.of("/decrypt", "/rewrap")) {
            com.fasterxml.jackson.databind.node.ObjectNode request = scope().put("ciphertext_blob", B64.encodeToString(chacha));
            if (path.equals("/rewrap")) {
                request.put("destination_key_id", to);
            }
            JsonNode refused = assertError(admin.post(path, request), 400, "INVALID_REQUEST");
            assertThat(refused.get("message").asText()).as(path).contains("CHACHA20-POLY1305", "not a FIPS 140-3 approved");
        }
    }

    @Test
    void batchItemsRunOnTheModuleAndANonApprovedItemFailsAlone() {
        String ed = created(admin.createKey(TENANT, "Ed25519", "sign", "verify"));
        String aes = created(admin.createKey(TENANT, "AES-256", "encrypt", "decrypt"));
        String hmac = created(admin.createKey(TENANT, "HMAC-SHA256", "mac", "mac_verify"));
        String data = B64.encodeToString(DATA);
        com.fasterxml.jackson.databind.node.ObjectNode body = KmsClient.JSON.createObjectNode();
        var items = body.putArray("items");
        items.add(scope().put("operation", "sign").put("key_id", ed).put("data", data));
        items.add(scope().put("operation", "encrypt").put("key_id", aes).put("plaintext", data));
        items.add(scope().put("operation", "mac").put("key_id", hmac).put("data", data));
        items.add(scope().put("operation", "encrypt").put("key_id", aes).put("plaintext", data)
                .put("algorithm", "CHACHA20-POLY1305"));
        KmsClient.Response r = admin.post("/batch", body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("succeeded").asInt()).isEqualTo(3);
        assertThat(r.json().get("failed").asInt()).isEqualTo(1);
        JsonNode results = r.json().get("results");
        String signature = results.get(0).at("/result/signature").asText();
        assertThat(admin.verify(TENANT, ed, DATA, signature, "EdDSA").json().get("valid").asBoolean()).isTrue();
        KmsClient.Response opened = admin.post("/decrypt", scope().put("ciphertext_blob",
                results.get(1).at("/result/ciphertext_blob").asText()));
        assertThat(B64D.decode(opened.text("plaintext"))).as(opened.body()).isEqualTo(DATA);
        KmsClient.Response checked = admin.post("/mac/verify", scope().put("key_id", hmac).put("data", data)
                .put("mac", results.get(2).at("/result/mac").asText()));
        assertThat(checked.json().get("valid").asBoolean()).as(checked.body()).isTrue();
        assertThat(results.get(3).at("/error/code").asText()).as(results.get(3).toString()).isEqualTo("INVALID_REQUEST");
        assertThat(results.get(3).at("/error/message").asText()).contains("CHACHA20-POLY1305");
    }

    /** BYOK: the wrapping key pair is the module's; material wrapped in this JVM is imported and holds exactly those bytes. */
    @Test
    void importParamsGiveAModuleWrappingKeyAndAnImportedKeyHoldsItsMaterial() throws Exception {
        KmsClient.Response params = admin.post("/keys/import-params", scope().put("key_type", "AES-256"));
        assertThat(params.status()).as(params.body()).isEqualTo(200);
        assertThat(params.text("wrapping_algorithm")).isEqualTo("RSA_OAEP_3072_SHA256_AES_256_KWP");
        java.security.PublicKey wrapping = java.security.KeyFactory.getInstance("RSA").generatePublic(
                new java.security.spec.X509EncodedKeySpec(B64D.decode(params.text("wrapping_public_key")
                        .replaceAll("-----[A-Z ]+-----|\\s", ""))));
        assertThat(((java.security.interfaces.RSAPublicKey) wrapping).getModulus().bitLength()).isEqualTo(3072);
        byte[] material = new byte[32];
        new java.security.SecureRandom().nextBytes(material);
        com.fasterxml.jackson.databind.node.ObjectNode body = scope().put("import_token", params.text("import_token"))
                .put("wrapped_key_material", B64.encodeToString(
                        com.zeroui.kms.crypto.KeyImportWrapping.wrapForImport(wrapping, material)));
        body.putArray("key_usage").add("encrypt").add("decrypt");
        KmsClient.Response imported = admin.post("/keys/import", body);
        assertThat(imported.status()).as(imported.body()).isEqualTo(201);
        assertThat(imported.text("origin")).isEqualTo("external");
        KmsClient.Response sealed = admin.encrypt(TENANT, imported.text("key_id"), DATA, null, null);
        assertThat(sealed.status()).as(sealed.body()).isEqualTo(200);
        javax.crypto.Cipher gcm = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(javax.crypto.Cipher.DECRYPT_MODE, new javax.crypto.spec.SecretKeySpec(material, "AES"),
                new javax.crypto.spec.GCMParameterSpec(128, B64D.decode(sealed.text("iv"))));
        assertThat(gcm.doFinal(B64D.decode(sealed.text("ciphertext")))).isEqualTo(DATA);
    }

    @Test
    void mlDsa65KeyCreationIsRefusedWith400SayingTheModuleHasNone() {
        JsonNode refused = assertError(admin.createKey(TENANT, "ML-DSA-65", "sign", "verify"), 400, "INVALID_REQUEST");
        assertThat(refused.at("/details/field").asText()).isEqualTo("key_type");
        assertThat(refused.get("message").asText()).contains("ML-DSA-65", "FIPS", "no ML-DSA");
        List<String> types = new ArrayList<>();
        admin.get("/config").json().get("key_types").forEach(t -> types.add(t.asText()));
        assertThat(types).doesNotContain("ML-DSA-65").contains("AES-256", "HMAC-SHA256");
    }

    private static final String PASSWORD = "a FIPS-mode passphrase of some length";
    private static final byte[] SALT = "sixteen byte salt!".getBytes(StandardCharsets.UTF_8);
    private static final java.util.Base64.Encoder B64 = java.util.Base64.getEncoder();
    private static final java.util.Base64.Decoder B64D = java.util.Base64.getDecoder();

    private static com.fasterxml.jackson.databind.node.ObjectNode scope() {
        return KmsClient.scope(TENANT, "dev", "tenant");
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode pbkdf2(String password) {
        return scope().put("method", "PBKDF2-HMAC-SHA256").put("password", password).put("salt", B64.encodeToString(SALT));
    }

    /** The JDK's PBKDF2 in this JVM, independent of the module in the node's. */
    private static byte[] jdkPbkdf2(String password) throws Exception {
        return javax.crypto.SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(
                new javax.crypto.spec.PBEKeySpec(password.toCharArray(), SALT, 600_000, 256)).getEncoded();
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
