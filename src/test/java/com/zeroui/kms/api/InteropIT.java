package com.zeroui.kms.api;

import static com.zeroui.kms.support.ErrorResponseAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.SignedJWT;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.TestNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Signatures and credentials from a running node work with independent tools: the real
 * {@code openssl} CLI verifies RS256, PS256 and EdDSA signatures against the returned PEM public
 * key (and rejects tampered ones), nimbus-jose-jwt verifies JWTs signed through {@code /sign}, and
 * the real {@code curl} binary calls the API with the bootstrap admin credentials.
 */
class InteropIT {
    private static final String TENANT = "tenant-a";
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    /** The DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410); the raw 32-byte key follows. */
    private static final byte[] ED25519_SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    static TestNode node;
    static KmsClient m21;
    static Key rsa;
    static Key ed25519;

    @TempDir
    Path work;

    /** A key created on the node with the PEM public key it answered. */
    record Key(String id, String publicKeyPem) {
        byte[] spki() {
            String base64 = publicKeyPem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
            return Base64.getDecoder().decode(base64);
        }
    }

    @BeforeAll
    static void start() {
        node = TestNode.start();
        m21 = node.client("M21", TENANT);
        rsa = create("RSA-2048");
        ed25519 = create("Ed25519");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static Key create(String type) {
        KmsClient.Response r = m21.createKey(TENANT, type, "sign", "verify");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.text("public_key")).startsWith("-----BEGIN PUBLIC KEY-----");
        return new Key(r.text("key_id"), r.text("public_key"));
    }

    private static byte[] sign(Key key, byte[] data, String algorithm) {
        KmsClient.Response r = m21.sign(TENANT, key.id(), data, algorithm);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.text("algorithm")).isEqualTo(algorithm);
        return Base64.getDecoder().decode(r.text("signature"));
    }

    // ---- openssl ------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @CsvSource({"RS256", "PS256", "EdDSA"})
    void opensslVerifiesTheSignatureAndRejectsATamperedOne(String algorithm) throws Exception {
        Key key = algorithm.equals("EdDSA") ? ed25519 : rsa;
        byte[] data = new byte[1000 + new Random().nextInt(1000)];
        new Random().nextBytes(data);
        byte[] signature = sign(key, data, algorithm);
        assertThat(signature).hasSize(algorithm.equals("EdDSA") ? 64 : 256);

        Path pub = write("pub.pem", key.publicKeyPem().getBytes(StandardCharsets.US_ASCII));
        Path dataFile = write("data.bin", data);
        Path good = write("sig.bin", signature);
        byte[] flipped = signature.clone();
        flipped[signature.length / 2] ^= 0x01;
        Path tampered = write("tampered.bin", flipped);
        byte[] otherData = data.clone();
        otherData[0] ^= 0x01;
        Path otherDataFile = write("other.bin", otherData);

        Result ok = run(opensslVerify(algorithm, pub, dataFile, good));
        assertThat(ok.exitCode()).as(ok.output()).isZero();
        assertThat(ok.output()).containsAnyOf("Verified OK", "Signature Verified Successfully");

        Result badSignature = run(opensslVerify(algorithm, pub, dataFile, tampered));
        assertThat(badSignature.exitCode()).as(badSignature.output()).isNotZero();
        assertThat(badSignature.output()).containsAnyOf("Verification failure", "Signature Verification Failure");

        Result badData = run(opensslVerify(algorithm, pub, otherDataFile, good));
        assertThat(badData.exitCode()).as(badData.output()).isNotZero();
    }

    @Test
    void opensslRejectsAPs256SignatureCheckedAsRs256() throws Exception {
        // PS256 and RS256 are different paddings over the same key: mixing them up must not verify.
        byte[] data = "padding matters".getBytes(StandardCharsets.UTF_8);
        Path pub = write("pub.pem", rsa.publicKeyPem().getBytes(StandardCharsets.US_ASCII));
        Path dataFile = write("data.bin", data);
        Path pss = write("pss.bin", sign(rsa, data, "PS256"));
        Result asPkcs1 = run(opensslVerify("RS256", pub, dataFile, pss));
        assertThat(asPkcs1.exitCode()).as(asPkcs1.output()).isNotZero();
    }

    private static List<String> opensslVerify(String algorithm, Path pub, Path data, Path signature) {
        return switch (algorithm) {
            case "RS256" -> List.of("openssl", "dgst", "-sha256", "-verify", pub.toString(), "-signature",
                    signature.toString(), data.toString());
            case "PS256" -> List.of("openssl", "dgst", "-sha256", "-sigopt", "rsa_padding_mode:pss", "-sigopt",
                    "rsa_pss_saltlen:32", "-sigopt", "rsa_mgf1_md:sha256", "-verify", pub.toString(), "-signature",
                    signature.toString(), data.toString());
            case "EdDSA" -> List.of("openssl", "pkeyutl", "-verify", "-pubin", "-inkey", pub.toString(), "-rawin",
                    "-in", data.toString(), "-sigfile", signature.toString());
            default -> throw new IllegalArgumentException(algorithm);
        };
    }

    // ---- JWT with nimbus-jose-jwt -------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @CsvSource({"RS256", "PS256", "EdDSA"})
    void jwtSignedThroughSignVerifiesWithNimbus(String algorithm) throws Exception {
        Key key = algorithm.equals("EdDSA") ? ed25519 : rsa;
        long now = Instant.now().getEpochSecond();
        String header = "{\"alg\":\"" + algorithm + "\",\"typ\":\"JWT\",\"kid\":\"" + key.id() + "\"}";
        String claims = "{\"iss\":\"kms-interop-test\",\"sub\":\"M21\",\"iat\":" + now + ",\"exp\":" + (now + 300) + "}";
        String signingInput = B64URL.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + B64URL.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        byte[] signature = sign(key, signingInput.getBytes(StandardCharsets.US_ASCII), algorithm);
        String jwt = signingInput + "." + B64URL.encodeToString(signature);

        SignedJWT parsed = SignedJWT.parse(jwt);
        JWSVerifier verifier = verifierFor(key, algorithm);
        assertThat(parsed.verify(verifier)).isTrue();
        assertThat(parsed.getHeader().getAlgorithm().getName()).isEqualTo(algorithm);
        assertThat(parsed.getHeader().getKeyID()).isEqualTo(key.id());
        assertThat(parsed.getJWTClaimsSet().getSubject()).isEqualTo("M21");
        assertThat(parsed.getJWTClaimsSet().getIssuer()).isEqualTo("kms-interop-test");

        // The same signature over different claims must not verify: the check above can fail.
        String forgedClaims = claims.replace("\"sub\":\"M21\"", "\"sub\":\"M99\"");
        String forged = B64URL.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + B64URL.encodeToString(forgedClaims.getBytes(StandardCharsets.UTF_8)) + "."
                + B64URL.encodeToString(signature);
        assertThat(SignedJWT.parse(forged).verify(verifierFor(key, algorithm))).isFalse();
    }

    private static JWSVerifier verifierFor(Key key, String algorithm) throws Exception {
        if (algorithm.equals("EdDSA")) {
            byte[] spki = key.spki();
            assertThat(Arrays.copyOfRange(spki, 0, ED25519_SPKI_PREFIX.length)).isEqualTo(ED25519_SPKI_PREFIX);
            byte[] raw = Arrays.copyOfRange(spki, ED25519_SPKI_PREFIX.length, spki.length);
            assertThat(raw).hasSize(32);
            return new Ed25519Verifier(new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(raw)).build());
        }
        RSAPublicKey publicKey = (RSAPublicKey) KeyFactory.getInstance("RSA")
                .generatePublic(new X509EncodedKeySpec(key.spki()));
        return new RSASSAVerifier(publicKey);
    }

    // ---- curl ----------------------------------------------------------------------------------------

    @Test
    void theReadmeCurlLineListsKeysWithTheAdminCertificate() throws Exception {
        Path tls = node.dataDir().resolve("tls");
        Path body = work.resolve("keys.json");
        Result curl = run(List.of("curl", "--silent", "--show-error", "--max-time", "20",
                "--cacert", tls.resolve("ca.pem").toString(),
                "--cert", tls.resolve("admin.pem").toString(),
                "--key", tls.resolve("admin.key").toString(),
                "--output", body.toString(), "--write-out", "%{http_code} %{content_type}",
                node.baseUrl() + "/keys"));
        assertThat(curl.exitCode()).as(curl.output()).isZero();
        assertThat(curl.output()).startsWith("200 application/json");
        JsonNode listing = KmsClient.JSON.readTree(Files.readString(body));
        assertThat(listing.get("keys").isArray()).isTrue();
        assertThat(listing.get("keys").findValuesAsText("key_id")).contains(rsa.id(), ed25519.id());
    }

    @Test
    void curlWithoutAClientCertificateGetsA401ErrorResponse() throws Exception {
        Path tls = node.dataDir().resolve("tls");
        Path body = work.resolve("error.json");
        Result curl = run(List.of("curl", "--silent", "--show-error", "--max-time", "20",
                "--cacert", tls.resolve("ca.pem").toString(),
                "--output", body.toString(), "--write-out", "%{http_code} %{content_type}",
                node.baseUrl() + "/keys"));
        assertThat(curl.exitCode()).as(curl.output()).isZero();
        assertThat(curl.output()).startsWith("401 application/json");
        assertError(new KmsClient.Response(401, Files.readString(body), Map.of()), 401, "UNAUTHENTICATED");
    }

    // ---- processes -------------------------------------------------------------------------------------

    record Result(int exitCode, String output) {
    }

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(work.resolve(name), content);
    }

    /** Runs a command in the temp directory with a timeout; stdout and stderr together. */
    private Result run(List<String> command) throws IOException, InterruptedException {
        Path output = Files.createTempFile(work, "process-", ".out");
        Process process = new ProcessBuilder(new ArrayList<>(command)).directory(work.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", command));
        }
        return new Result(process.exitValue(), Files.readString(output));
    }
}
