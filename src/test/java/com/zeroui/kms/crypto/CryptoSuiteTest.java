package com.zeroui.kms.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zeroui.kms.crypto.ProviderSuites.Labeled;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.crypto.SecretKey;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CryptoSuiteTest {
    private static final byte[] DATA = "kms unit test message".getBytes(StandardCharsets.UTF_8);

    static Stream<Labeled> suites() {
        return ProviderSuites.stream();
    }

    static Stream<Arguments> suitesAndSignatureAlgorithms() {
        return ProviderSuites.stream().flatMap(s -> Stream.of(SignatureAlgorithm.values())
                .filter(a -> s.suite().refusal(a).isEmpty()).map(a -> Arguments.of(s, a)));
    }

    static Stream<Arguments> suitesAndMacAlgorithms() {
        return ProviderSuites.stream().flatMap(s -> Stream.of(MacAlgorithm.values())
                .filter(a -> s.suite().refusal(a).isEmpty()).map(a -> Arguments.of(s, a)));
    }

    static Stream<Arguments> suitesAndAeadAlgorithms() {
        return ProviderSuites.stream().flatMap(s -> Stream.of(AeadAlgorithm.values())
                .filter(a -> ProviderSuites.serves(s, a)).map(a -> Arguments.of(s, a)));
    }

    private record Pair(PrivateKey privateKey, PublicKey publicKey, byte[] spki) {
    }

    /** A key pair made and decoded the way the service makes and loads one. */
    private static Pair generate(CryptoSuite suite, KeyType type) {
        CryptoSuite.GeneratedKey key = suite.generate(type);
        return new Pair(suite.privateKey(type, key.material()), suite.publicKey(type, key.publicKeySpki()),
                key.publicKeySpki());
    }

    @Test
    void accpSuiteRunsUnlessExplicitlyAllowedMissing() {
        List<String> names = ProviderSuites.stream().map(Labeled::name).toList(); // throws, explaining, if ACCP is missing
        if (CryptoSuite.correttoIfLoaded().isEmpty()) {
            Assumptions.abort("ACCP did not load and -D" + ProviderSuites.ALLOW_NO_ACCP + "=true allows that");
        }
        assertThat(names).containsExactly("JDK", "ACCP", "BC", "BCFIPS");
    }

    @ParameterizedTest(name = "{0} · {1}")
    @MethodSource("suitesAndSignatureAlgorithms")
    void signaturesRoundTrip(Labeled s, SignatureAlgorithm alg) {
        Pair pair = generate(s.suite(), alg.keyType());
        byte[] signature = s.suite().sign(alg, pair.privateKey(), DATA);

        String context = s + " " + alg;
        assertThat(signature).as(context).hasSize(alg.signatureLength());
        assertThat(s.suite().verify(alg, pair.publicKey(), DATA, signature)).as(context).isTrue();
        assertThat(s.suite().verify(alg, pair.publicKey(), "other".getBytes(StandardCharsets.UTF_8), signature))
                .as(context + ", other message").isFalse();
        byte[] flipped = signature.clone();
        flipped[flipped.length / 2] ^= 1;
        assertThat(s.suite().verify(alg, pair.publicKey(), DATA, flipped)).as(context + ", flipped bit").isFalse();
        Pair other = generate(s.suite(), alg.keyType());
        assertThat(s.suite().verify(alg, other.publicKey(), DATA, signature)).as(context + ", another key").isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void ps256SignaturesVerifyWithPlainJdkPssSha256Mgf1Salt32(Labeled s) throws Exception {
        Pair pair = generate(s.suite(), KeyType.RSA_2048);
        byte[] signature = s.suite().sign(SignatureAlgorithm.PS256, pair.privateKey(), DATA);
        PublicKey jdkKey = KeyFactory.getInstance("RSA", "SunRsaSign").generatePublic(new X509EncodedKeySpec(pair.spki()));

        assertThat(jdkPssVerify(jdkKey, signature, 32)).as(s + " PS256, JDK salt 32").isTrue();
        // a verifier expecting another salt length rejects it: the salt really is 32 bytes
        assertThat(jdkPssVerify(jdkKey, signature, 20)).as(s + " PS256, JDK salt 20").isFalse();
    }

    private static boolean jdkPssVerify(PublicKey key, byte[] signature, int saltLength) throws Exception {
        Signature verifier = Signature.getInstance("RSASSA-PSS", "SunRsaSign");
        verifier.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, saltLength,
                PSSParameterSpec.TRAILER_FIELD_BC));
        verifier.initVerify(key);
        verifier.update(DATA);
        return verifier.verify(signature);
    }

    /** RS256 and Ed25519 are deterministic, so every provider must produce the JDK's exact bytes. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void deterministicSignaturesEqualTheJdks(Labeled s) throws Exception {
        Pair rsa = generate(s.suite(), KeyType.RSA_2048);
        assertThat(s.suite().sign(SignatureAlgorithm.RS256, rsa.privateKey(), DATA)).as(s + " RS256")
                .isEqualTo(jdkSign("SHA256withRSA", "SunRsaSign", rsa.privateKey()));
        Pair ed = generate(s.suite(), KeyType.ED25519);
        assertThat(s.suite().sign(SignatureAlgorithm.EDDSA, ed.privateKey(), DATA)).as(s + " EdDSA")
                .isEqualTo(jdkSign("Ed25519", "SunEC", ed.privateKey()));
    }

    private static byte[] jdkSign(String algorithm, String provider, PrivateKey key) throws Exception {
        PrivateKey jdkKey = KeyFactory.getInstance(key.getAlgorithm().equals("RSA") ? "RSA" : "Ed25519", provider)
                .generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded()));
        Signature signer = Signature.getInstance(algorithm, provider);
        signer.initSign(jdkKey);
        signer.update(DATA);
        return signer.sign();
    }

    /** JDK 17 alone accepts the trailing-zero form (JDK-8285389); verify must not on any suite. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void ed25519SignatureNotExactly64BytesIsRejected(Labeled s) {
        Pair pair = generate(s.suite(), KeyType.ED25519);
        byte[] signature = s.suite().sign(SignatureAlgorithm.EDDSA, pair.privateKey(), DATA);
        assertThat(signature).as(s.name()).hasSize(64);

        assertThat(s.suite().verify(SignatureAlgorithm.EDDSA, pair.publicKey(), DATA, signature)).as(s.name()).isTrue();
        assertThat(s.suite().verify(SignatureAlgorithm.EDDSA, pair.publicKey(), DATA, Arrays.copyOf(signature, 65)))
                .as(s + ", 65 bytes with trailing zero").isFalse();
        assertThat(s.suite().verify(SignatureAlgorithm.EDDSA, pair.publicKey(), DATA, Arrays.copyOf(signature, 63)))
                .as(s + ", 63 bytes").isFalse();
    }

    @ParameterizedTest(name = "{0} · {1}")
    @MethodSource("suitesAndAeadAlgorithms")
    void aeadRoundTripsAndRejectsTamperingWithTheOneException(Labeled s, AeadAlgorithm alg) throws Exception {
        CryptoSuite suite = s.suite();
        SecretKey key = CryptoSuite.secretKey(suite.generate(KeyType.AES_256).material(), alg.keyAlgorithm());
        byte[] nonce = CryptoSuite.randomNonce();
        byte[] aad = "aad".getBytes(StandardCharsets.UTF_8);
        byte[] sealed = suite.seal(alg, key, nonce, DATA, aad);

        String context = s + " " + alg;
        assertThat(sealed).as(context).hasSize(DATA.length + AeadAlgorithm.TAG_BYTES);
        assertThat(suite.open(alg, key, nonce, sealed, aad)).as(context).isEqualTo(DATA);
        byte[] tampered = sealed.clone();
        tampered[0] ^= 1;
        assertOpenFails(context + ", flipped bit", () -> suite.open(alg, key, nonce, tampered, aad));
        assertOpenFails(context + ", aad dropped", () -> suite.open(alg, key, nonce, sealed, new byte[0]));
        assertOpenFails(context + ", 11-byte nonce", () -> suite.open(alg, key, Arrays.copyOf(nonce, 11), sealed, aad));
        assertOpenFails(context + ", 13-byte nonce", () -> suite.open(alg, key, Arrays.copyOf(nonce, 13), sealed, aad));
        assertOpenFails(context + ", shorter than a tag",
                () -> suite.open(alg, key, nonce, Arrays.copyOf(sealed, AeadAlgorithm.TAG_BYTES - 1), aad));
        SecretKey otherKey = CryptoSuite.secretKey(suite.generate(KeyType.AES_256).material(), alg.keyAlgorithm());
        assertOpenFails(context + ", another key", () -> suite.open(alg, otherKey, nonce, sealed, aad));
    }

    /** Tags equal the JDK's HmacSHA256; verification refuses a flipped bit, a truncated tag and another key. */
    @ParameterizedTest(name = "{0} · {1}")
    @MethodSource("suitesAndMacAlgorithms")
    void macsMatchTheJdkAndVerifyOnlyTheFullTag(Labeled s, MacAlgorithm alg) throws Exception {
        CryptoSuite suite = s.suite();
        CryptoSuite.GeneratedKey generated = suite.generate(alg.keyType());
        assertThat(generated.publicKeySpki()).isNull();
        SecretKey key = CryptoSuite.secretKey(generated.material(), alg.jcaName());
        byte[] tag = suite.mac(alg, key, DATA);

        String context = s + " " + alg;
        javax.crypto.Mac jdk = javax.crypto.Mac.getInstance("HmacSHA256", "SunJCE");
        jdk.init(new javax.crypto.spec.SecretKeySpec(key.getEncoded(), "HmacSHA256"));
        assertThat(tag).as(context).hasSize(alg.tagLength()).isEqualTo(jdk.doFinal(DATA));
        assertThat(suite.verifyMac(alg, key, DATA, tag)).as(context).isTrue();
        byte[] flipped = tag.clone();
        flipped[tag.length - 1] ^= 1;
        assertThat(suite.verifyMac(alg, key, DATA, flipped)).as(context + ", flipped bit").isFalse();
        assertThat(suite.verifyMac(alg, key, DATA, Arrays.copyOf(tag, 16))).as(context + ", truncated").isFalse();
        assertThat(suite.verifyMac(alg, key, DATA, new byte[0])).as(context + ", empty").isFalse();
        SecretKey other = CryptoSuite.secretKey(suite.generate(alg.keyType()).material(), alg.jcaName());
        assertThat(suite.verifyMac(alg, other, DATA, tag)).as(context + ", another key").isFalse();
    }

    /** ML-DSA-65 public keys are SPKI with the FIPS 204 OID; the FIPS suite refuses the type with the reason. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void mlDsa65KeysAreStandardSpkiOrRefusedInFipsMode(Labeled s) {
        if (s.suite().fipsModule().isPresent()) {
            assertThat(s.suite().refusal(KeyType.ML_DSA_65)).get().asString()
                    .contains("ML-DSA-65", "bc-fips", "FIPS mode");
            assertThatThrownBy(() -> s.suite().generate(KeyType.ML_DSA_65))
                    .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("ML-DSA-65");
            return;
        }
        Pair pair = generate(s.suite(), KeyType.ML_DSA_65);
        org.bouncycastle.asn1.x509.SubjectPublicKeyInfo info =
                org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(pair.spki());
        assertThat(info.getAlgorithm().getAlgorithm().getId()).isEqualTo("2.16.840.1.101.3.4.3.18");
        assertThat(info.getAlgorithm().getParameters()).as("FIPS 204 keys carry no parameters").isNull();
        assertThat(info.getPublicKeyData().getOctets()).hasSize(1952);
        assertThat(pair.privateKey().getEncoded()).as("what a provider re-encodes").isNotEmpty();
        // another parameter set's key is refused even where the provider's ML-DSA-65 factory would take it (ACCP)
        org.bouncycastle.asn1.x509.SubjectPublicKeyInfo other = new org.bouncycastle.asn1.x509.SubjectPublicKeyInfo(
                new org.bouncycastle.asn1.x509.AlgorithmIdentifier(
                        new org.bouncycastle.asn1.ASN1ObjectIdentifier("2.16.840.1.101.3.4.3.17")), new byte[1312]);
        assertThatThrownBy(() -> s.suite().publicKey(KeyType.ML_DSA_65, other.getEncoded()))
                .isInstanceOf(IllegalStateException.class);
    }

    /** Stored ML-DSA keys (the seed-only PKCS#8) load in every non-FIPS suite, whichever made them. */
    @Test
    void mlDsaKeysMoveBetweenProviders() {
        List<Labeled> suites = ProviderSuites.stream().filter(s -> s.suite().refusal(KeyType.ML_DSA_65).isEmpty()).toList();
        for (Labeled maker : suites) {
            CryptoSuite.GeneratedKey key = maker.suite().generate(KeyType.ML_DSA_65);
            for (Labeled user : suites) {
                String context = maker + " → " + user;
                byte[] signature = user.suite().sign(SignatureAlgorithm.ML_DSA_65,
                        user.suite().privateKey(KeyType.ML_DSA_65, key.material()), DATA);
                assertThat(maker.suite().verify(SignatureAlgorithm.ML_DSA_65,
                        maker.suite().publicKey(KeyType.ML_DSA_65, key.publicKeySpki()), DATA, signature)).as(context).isTrue();
            }
        }
    }

    private static void assertOpenFails(String context, ThrowingCallable open) {
        assertThatThrownBy(open).as(context).isExactlyInstanceOf(AeadAuthenticationException.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void providersByPrimitiveNamesEveryPrimitive(Labeled s) {
        Map<String, String> providers = s.suite().providersByPrimitive();

        List<String> expected = Stream.of(
                Stream.of(KeyType.values()).filter(t -> s.suite().refusal(t).isEmpty()).map(t -> "keygen:" + t.apiName()),
                Stream.of(SignatureAlgorithm.values()).filter(a -> s.suite().refusal(a).isEmpty()).map(a -> "sign:" + a.apiName()),
                Stream.of(AeadAlgorithm.values()).filter(a -> ProviderSuites.serves(s, a)).map(a -> "aead:" + a.apiName()),
                Stream.of(MacAlgorithm.values()).filter(a -> s.suite().refusal(a).isEmpty()).map(a -> "mac:" + a.apiName()))
                .flatMap(x -> x).toList();
        assertThat(providers.keySet()).as(s.name()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(providers.values()).as(s.name()).allSatisfy(name -> assertThat(name).isNotBlank());
    }

    @Test
    void jdkSuiteUsesOnlyTheJdksProviders() {
        CryptoSuite jdk = CryptoSuite.select(CryptoSuite.Preference.JDK);
        assertThat(jdk.preferredProvider()).isEqualTo("JDK");
        // …except where JDK 17 has no implementation at all: ML-DSA comes from Bouncy Castle, the last resort
        Map<String, String> providers = new java.util.HashMap<>(jdk.providersByPrimitive());
        assertThat(providers.remove("keygen:ML-DSA-65")).isEqualTo("BC");
        assertThat(providers.remove("sign:ML-DSA-65")).isEqualTo("BC");
        assertThat(providers.values()).isSubsetOf("SunRsaSign", "SunEC", "SunJCE", "SecureRandom");
    }

    /** Guards against the ACCP suite silently becoming the JDK one because ACCP's self-tests fail. */
    @Test
    void accpSuiteServesRsaSignaturesAndAesGcmFromAccp() {
        Assumptions.assumeTrue(CryptoSuite.correttoIfLoaded().isPresent(),
                "ACCP did not load; accpSuiteRunsUnlessExplicitlyAllowedMissing decides whether that fails");
        CryptoSuite accp = CryptoSuite.select(CryptoSuite.Preference.ACCP);
        assertThat(accp.preferredProvider()).startsWith("AmazonCorrettoCryptoProvider");
        assertThat(accp.providersByPrimitive()).containsEntry("sign:RS256", "AmazonCorrettoCryptoProvider")
                .containsEntry("sign:PS256", "AmazonCorrettoCryptoProvider")
                .containsEntry("aead:AES-256-GCM", "AmazonCorrettoCryptoProvider");
    }

    @Test
    void bouncyCastleSuiteIsPinnedToBouncyCastleForEveryPrimitive() {
        CryptoSuite bc = ProviderSuites.stream().filter(s -> s.name().equals("BC")).findFirst().orElseThrow().suite();
        assertThat(bc.providersByPrimitive()).allSatisfy((primitive, provider) ->
                assertThat(provider).as(primitive).isEqualTo(primitive.equals("keygen:AES-256")
                        || primitive.equals("keygen:HMAC-SHA256") ? "SecureRandom" : "BC"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void selfTestPasses(Labeled s) {
        assertThatCode(s.suite()::selfTest).as(s.name()).doesNotThrowAnyException();
        assertThatCode(s.suite()::selfTest).as(s + ", again with the cached self-test keys").doesNotThrowAnyException();
    }
}
