package com.zeroui.kms.api;

import static com.zeroui.kms.support.ErrorResponseAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zeroui.kms.crypto.KeyImportWrapping;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.MutableClock;
import com.zeroui.kms.support.TestNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BYOK through a real node, with openssl as the wrapping peer (RSA-OAEP-SHA256 with {@code pkeyutl},
 * AES key wrap with padding with {@code enc -id-aes256-wrap-pad}), as a caller following the docs would.
 */
class KeyImportIT {
    static final MutableClock CLOCK = MutableClock.atRealNow();
    static TestNode node;
    static KmsClient m21;
    static final String T = "tenant-i";
    static final Base64.Decoder DB64 = Base64.getDecoder();
    static final Base64.Encoder B64 = Base64.getEncoder();

    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() {
        node = TestNode.start(CLOCK, c -> c);
        m21 = node.client("M21", T);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static JsonNode params(KmsClient client, String keyType) {
        KmsClient.Response r = client.post("/keys/import-params", KmsClient.scope(T, "dev", "tenant").put("key_type", keyType));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    static ObjectNode importBody(JsonNode params, byte[] wrapped, String... usage) {
        ObjectNode body = KmsClient.scope(T, "dev", "tenant").put("import_token", params.get("import_token").asText())
                .put("wrapped_key_material", B64.encodeToString(wrapped));
        var array = body.putArray("key_usage");
        for (String u : usage) {
            array.add(u);
        }
        return body;
    }

    /** The wrapping an operator does with openssl alone, as docs/crypto-operations.md shows it. */
    static byte[] wrapWithOpenssl(String wrappingPem, byte[] material, String name) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Files.writeString(dir.resolve("wrapping.pem"), wrappingPem);
        Files.write(dir.resolve("material.bin"), material);
        run(dir, "openssl", "rand", "-out", "aes.key", "32");
        String aesHex = HexFormat.of().formatHex(Files.readAllBytes(dir.resolve("aes.key")));
        run(dir, "openssl", "pkeyutl", "-encrypt", "-pubin", "-inkey", "wrapping.pem", "-in", "aes.key", "-out", "aes.wrapped",
                "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha256", "-pkeyopt", "rsa_mgf1_md:sha256");
        run(dir, "openssl", "enc", "-id-aes256-wrap-pad", "-K", aesHex, "-iv", "A65959A6", "-in", "material.bin",
                "-out", "material.wrapped");
        byte[] first = Files.readAllBytes(dir.resolve("aes.wrapped"));
        byte[] second = Files.readAllBytes(dir.resolve("material.wrapped"));
        assertThat(first).hasSize(384);
        byte[] out = java.util.Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, out, first.length, second.length);
        return out;
    }

    static void run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + output).isZero();
    }

    @Test
    void anAes256KeyWrappedByOpensslIsImportedWithOriginExternalAndHoldsExactlyThatMaterial() throws Exception {
        JsonNode params = params(m21, "AES-256");
        assertThat(params.get("wrapping_algorithm").asText()).isEqualTo("RSA_OAEP_3072_SHA256_AES_256_KWP");
        assertThat(params.get("wrapping_public_key").asText()).startsWith("-----BEGIN PUBLIC KEY-----");
        PublicKey wrapping = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(DB64.decode(
                params.get("wrapping_public_key").asText().replaceAll("-----[A-Z ]+-----|\\s", ""))));
        assertThat(((java.security.interfaces.RSAPublicKey) wrapping).getModulus().bitLength()).isEqualTo(3072);
        byte[] material = new byte[32];
        new java.security.SecureRandom().nextBytes(material);

        KmsClient.Response imported = m21.post("/keys/import", importBody(params,
                wrapWithOpenssl(params.get("wrapping_public_key").asText(), material, "aes"), "encrypt", "decrypt"));
        assertThat(imported.status()).as(imported.body()).isEqualTo(201);
        assertThat(imported.text("origin")).isEqualTo("external");
        assertThat(imported.text("key_type")).isEqualTo("AES-256");
        String keyId = imported.text("key_id");
        assertThat(m21.get("/keys/" + keyId).text("origin")).isEqualTo("external");

        KmsClient.Response enc = m21.encrypt(T, keyId, "byok".getBytes(), null, null);
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(material, "AES"), new GCMParameterSpec(128, DB64.decode(enc.text("iv"))));
        assertThat(c.doFinal(DB64.decode(enc.text("ciphertext")))).isEqualTo("byok".getBytes());

        JsonNode receipt = m21.get("/receipts/" + imported.text("receipt_id")).json().get("receipt");
        assertThat(receipt.get("operation").asText()).isEqualTo("key_imported");
        assertThat(receipt.get("kms_context").get("key_id").asText()).isEqualTo(keyId);
        List<JsonNode> events = new ArrayList<>();
        m21.get("/events?limit=1000&after=0").json().get("events").forEach(e -> events.add(e.get("event")));
        assertThat(events).anySatisfy(e -> {
            assertThat(e.get("event_type").asText()).isEqualTo("key_imported");
            assertThat(e.at("/payload/key_id").asText()).isEqualTo(keyId);
        });
    }

    @Test
    void anRsa2048KeyIsImportedAndItsSignaturesVerifyWithTheCallersPublicKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        JsonNode params = params(m21, "RSA-2048");
        PublicKey wrapping = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(DB64.decode(
                params.get("wrapping_public_key").asText().replaceAll("-----[A-Z ]+-----|\\s", ""))));
        KmsClient.Response imported = m21.post("/keys/import", importBody(params,
                KeyImportWrapping.wrapForImport(wrapping, pair.getPrivate().getEncoded()), "sign", "verify"));
        assertThat(imported.status()).as(imported.body()).isEqualTo(201);
        String keyId = imported.text("key_id");
        byte[] signature = DB64.decode(m21.sign(T, keyId, "hello".getBytes(), "RS256").text("signature"));
        Signature verifier = Signature.getInstance("SHA256withRSA");
        verifier.initVerify(pair.getPublic());
        verifier.update("hello".getBytes());
        assertThat(verifier.verify(signature)).isTrue();
        assertThat(imported.text("public_key").replaceAll("-----[A-Z ]+-----|\\s", ""))
                .isEqualTo(B64.encodeToString(pair.getPublic().getEncoded()));
    }

    @Test
    void importParametersServeOneAttemptOnlyForTheirCallerScopeAndTime() throws Exception {
        byte[] material = new byte[32];
        JsonNode params = params(m21, "AES-256");
        byte[] wrapped = wrapWithOpenssl(params.get("wrapping_public_key").asText(), material, "once");
        assertError(node.client("M22", T).post("/keys/import", importBody(params, wrapped, "encrypt")), 403, "UNAUTHORIZED");
        ObjectNode otherScope = importBody(params, wrapped, "encrypt").put("environment", "staging");
        assertError(m21.post("/keys/import", otherScope), 400, "INVALID_REQUEST");
        assertThat(m21.post("/keys/import", importBody(params, wrapped, "encrypt")).status()).isEqualTo(201);
        JsonNode reused = assertError(m21.post("/keys/import", importBody(params, wrapped, "encrypt")), 400, "INVALID_REQUEST");
        assertThat(reused.get("message").asText()).contains("already used");

        // a failed unwrap spends the parameters too: the wrapping key is never a decryption oracle
        JsonNode fresh = params(m21, "AES-256");
        byte[] good = wrapWithOpenssl(fresh.get("wrapping_public_key").asText(), material, "tamper");
        byte[] tampered = good.clone();
        tampered[10] ^= 1;
        JsonNode bad = assertError(m21.post("/keys/import", importBody(fresh, tampered, "encrypt")), 400, "INVALID_REQUEST");
        assertThat(bad.at("/details/field").asText()).isEqualTo("wrapped_key_material");
        assertThat(assertError(m21.post("/keys/import", importBody(fresh, good, "encrypt")), 400, "INVALID_REQUEST")
                .get("message").asText()).contains("already used");

        JsonNode wrongSize = params(m21, "AES-256");
        JsonNode sizeError = assertError(m21.post("/keys/import", importBody(wrongSize,
                wrapWithOpenssl(wrongSize.get("wrapping_public_key").asText(), new byte[16], "short"), "encrypt")), 400,
                "INVALID_REQUEST");
        assertThat(sizeError.get("message").asText()).isEqualTo(bad.get("message").asText());

        JsonNode late = params(m21, "AES-256");
        byte[] lateWrapped = wrapWithOpenssl(late.get("wrapping_public_key").asText(), material, "late");
        CLOCK.advance(Duration.ofHours(24).plusSeconds(1));
        assertThat(assertError(m21.post("/keys/import", importBody(late, lateWrapped, "encrypt")), 400, "INVALID_REQUEST")
                .get("message").asText()).contains("expired");
    }

    @Test
    void badRequestsAndUnsupportedTypesAreRefused() {
        assertError(m21.post("/keys/import-params", KmsClient.scope(T, "dev", "tenant").put("key_type", "Ed25519")), 400,
                "INVALID_REQUEST");
        assertError(m21.post("/keys/import-params", KmsClient.scope(T, "dev", "tenant").put("key_type", "DES")), 400,
                "INVALID_REQUEST");
        assertError(m21.post("/keys/import-params", KmsClient.scope("tenant-z", "dev", "tenant").put("key_type", "AES-256")),
                403, "UNAUTHORIZED");
        JsonNode params = params(m21, "AES-256");
        Object[][] cases = {
                {importBody(params, new byte[400], "encrypt").put("wrapped_key_material", "%%"), "wrapped_key_material"},
                {importBody(params, new byte[400]), "key_usage"},
                {importBody(params, new byte[400], "fly"), "key_usage"},
                {importBody(params, new byte[400], "encrypt").put("key_type", "AES-256"), "key_type"},
                {importBody(params, new byte[400], "encrypt").put("import_token", "nope"), "import_token"},
        };
        for (Object[] c : cases) {
            JsonNode error = assertError(m21.post("/keys/import", c[0]), 400, "INVALID_REQUEST");
            assertThat(error.at("/details/field").asText()).as("%s", c[0]).isEqualTo(c[1]);
        }
        // none of those spent the parameters: a usage the type cannot have is refused before the token is
        ObjectNode signAes = importBody(params, new byte[400], "sign");
        assertThat(assertError(m21.post("/keys/import", signAes), 400, "INVALID_REQUEST").at("/details/field").asText())
                .isEqualTo("key_usage");
        JsonNode unwrap = assertError(m21.post("/keys/import", importBody(params, new byte[400], "encrypt")), 400,
                "INVALID_REQUEST");
        assertThat(unwrap.at("/details/field").asText()).isEqualTo("wrapped_key_material");
    }

    @Test
    void importIntoTheGlobalTenantNeedsDualAuthorizationAsGenerationDoes() throws Exception {
        KmsClient platform = node.client("M27", null);
        KmsClient.Response p = platform.post("/keys/import-params", KmsClient.scope("GLOBAL", "dev", "shared")
                .put("key_type", "AES-256"));
        assertThat(p.status()).as(p.body()).isEqualTo(200);
        ObjectNode body = KmsClient.scope("GLOBAL", "dev", "shared").put("import_token", p.text("import_token"))
                .put("wrapped_key_material", B64.encodeToString(wrapWithOpenssl(p.text("wrapping_public_key"),
                        new byte[32], "global")));
        body.putArray("key_usage").add("encrypt");
        JsonNode refused = assertError(platform.post("/keys/import", body), 403, "POLICY_VIOLATION");
        assertThat(refused.at("/details/reason").asText()).isEqualTo("missing_token");
    }
}
