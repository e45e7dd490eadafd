package com.zeroui.kms.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.Security;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The FIPS suite: the Bouncy Castle FIPS module (loaded in its own class loader, as the unit tests'
 * class path holds bcprov) in approved-only mode, serving every approved primitive and refusing the
 * rest. Wycheproof vectors run on it through {@link ProviderSuites}.
 */
class FipsSuiteTest {
    private static final FipsModule MODULE = FipsModule.isolated();
    private static final CryptoSuite FIPS = CryptoSuite.fips(MODULE);
    private static final byte[] DATA = "fips message".getBytes(StandardCharsets.UTF_8);

    @Test
    void moduleIsTheValidatedOnePassedItsSelfTestsAndRunsApprovedOnly() {
        assertThat(MODULE.provider().getName()).isEqualTo("BCFIPS");
        assertThat(MODULE.moduleVersion()).isEqualTo("2.1.2");
        assertThat(MODULE.selfTestStatus()).isEqualTo("READY");
        assertThat(MODULE.approvedOnly()).isTrue();
        assertThatCode(MODULE::check).doesNotThrowAnyException();
        assertThat(MODULE.jsseProvider().getName()).isEqualTo("BCJSSE");
    }

    @Test
    void isolatedModuleIsNotRegisteredWithTheJvm() {
        assertThat(Security.getProvider("BCFIPS")).isNull();
        assertThat(FipsModule.registered()).isEmpty();
        assertThat(MODULE.provider().getClass().getClassLoader()).isNotSameAs(getClass().getClassLoader());
    }

    @Test
    void everyServedPrimitiveComesFromTheModule() {
        assertThat(FIPS.providersByPrimitive()).containsOnlyKeys("keygen:RSA-2048", "keygen:Ed25519", "keygen:AES-256",
                "keygen:HMAC-SHA256", "keygen:ECDSA-P256", "sign:RS256", "sign:PS256", "sign:EdDSA", "sign:ES256",
                "aead:AES-256-GCM", "mac:HMAC-SHA256");
        assertThat(FIPS.providersByPrimitive()).allSatisfy((primitive, provider) ->
                assertThat(provider).as(primitive).isEqualTo("BCFIPS"));
        assertThat(FIPS.fipsModule()).containsSame(MODULE);
        assertThat(FIPS.preferredProvider()).isEqualTo("BCFIPS 2.1.2 (FIPS 140-3, approved-only)");
    }

    @Test
    void chachaIsRefusedNamingTheReasonAndNeverServedByAnotherProvider() throws Exception {
        assertThat(FIPS.refusal(AeadAlgorithm.CHACHA20_POLY1305)).hasValueSatisfying(reason ->
                assertThat(reason).contains("CHACHA20-POLY1305", "not a FIPS 140-3 approved algorithm"));
        assertThat(FIPS.refusal(AeadAlgorithm.AES_256_GCM)).isEmpty();
        SecretKey key = CryptoSuite.secretKey(FIPS.generate(KeyType.AES_256).material(), AeadAlgorithm.CHACHA20_POLY1305);
        assertThatThrownBy(() -> FIPS.seal(AeadAlgorithm.CHACHA20_POLY1305, key, new byte[12], DATA, new byte[0]))
                .hasRootCauseMessage(FIPS.refusal(AeadAlgorithm.CHACHA20_POLY1305).orElseThrow());
        assertThatThrownBy(() -> FIPS.sealWithFreshNonce(AeadAlgorithm.CHACHA20_POLY1305, key, DATA, new byte[0]))
                .isInstanceOf(IllegalStateException.class);
        byte[] sealed = CryptoSuite.select(CryptoSuite.Preference.JDK).seal(AeadAlgorithm.CHACHA20_POLY1305, key,
                new byte[12], DATA, new byte[0]);
        assertThatThrownBy(() -> FIPS.open(AeadAlgorithm.CHACHA20_POLY1305, key, new byte[12], sealed, new byte[0]))
                .isExactlyInstanceOf(AeadAuthenticationException.class);
        assertThatThrownBy(() -> Cipher.getInstance("ChaCha20-Poly1305", MODULE.provider()))
                .isInstanceOf(NoSuchAlgorithmException.class);
        assertThat(CryptoSuite.select(CryptoSuite.Preference.JDK).refusal(AeadAlgorithm.CHACHA20_POLY1305)).isEmpty();
    }

    /** bc-fips 2.1.x has no ML-DSA: the type is refused with the reason, and no other provider serves it. */
    @Test
    void mlDsaIsRefusedNamingTheReason() {
        assertThat(FIPS.refusal(KeyType.ML_DSA_65)).hasValueSatisfying(reason ->
                assertThat(reason).contains("ML-DSA-65", "bc-fips", "FIPS mode"));
        assertThat(FIPS.refusal(SignatureAlgorithm.ML_DSA_65)).isEqualTo(FIPS.refusal(KeyType.ML_DSA_65));
        assertThatThrownBy(() -> FIPS.generate(KeyType.ML_DSA_65)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> KeyPairGenerator.getInstance("ML-DSA-65", MODULE.provider()))
                .as("the module really lacks it").isInstanceOf(NoSuchAlgorithmException.class);
        assertThat(FIPS.refusedNames()).containsExactly("ML-DSA-65", "CHACHA20-POLY1305");
    }

    @Test
    void moduleRefusesNonApprovedParametersItself() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA", MODULE.provider());
        assertThatThrownBy(() -> rsa.initialize(1024, MODULE.random())).as("RSA-1024 is not approved for generation")
                .isInstanceOf(Throwable.class);
        KeyPairGenerator withJdkRandom = KeyPairGenerator.getInstance("RSA", MODULE.provider());
        assertThatThrownBy(() -> withJdkRandom.initialize(2048, new java.security.SecureRandom()))
                .as("keys only from the module's DRBG").isInstanceOf(Throwable.class);
    }

    @Test
    void moduleGeneratesTheGcmNonceAndEveryCallGetsAFreshOne() throws Exception {
        SecretKey key = CryptoSuite.secretKey(FIPS.generate(KeyType.AES_256).material(), AeadAlgorithm.AES_256_GCM);
        byte[] aad = "aad".getBytes(StandardCharsets.UTF_8);
        CryptoSuite.Sealed first = FIPS.sealWithFreshNonce(AeadAlgorithm.AES_256_GCM, key, DATA, aad);
        CryptoSuite.Sealed second = FIPS.sealWithFreshNonce(AeadAlgorithm.AES_256_GCM, key, DATA, aad);
        assertThat(first.nonce()).hasSize(AeadAlgorithm.NONCE_BYTES);
        assertThat(first.ciphertextAndTag()).hasSize(DATA.length + AeadAlgorithm.TAG_BYTES);
        assertThat(first.nonce()).isNotEqualTo(second.nonce());
        assertThat(FIPS.open(AeadAlgorithm.AES_256_GCM, key, first.nonce(), first.ciphertextAndTag(), aad)).isEqualTo(DATA);
        // the same ciphertext opens with the default suite: FIPS mode reads what default mode wrote and back
        CryptoSuite jdk = CryptoSuite.select(CryptoSuite.Preference.JDK);
        assertThat(jdk.open(AeadAlgorithm.AES_256_GCM, key, first.nonce(), first.ciphertextAndTag(), aad)).isEqualTo(DATA);
        CryptoSuite.Sealed fromJdk = jdk.sealWithFreshNonce(AeadAlgorithm.AES_256_GCM, key, DATA, aad);
        assertThat(FIPS.open(AeadAlgorithm.AES_256_GCM, key, fromJdk.nonce(), fromJdk.ciphertextAndTag(), aad)).isEqualTo(DATA);
    }

    /** Keys stored in default mode keep working after a switch to FIPS mode, and the other way round. */
    @ParameterizedTest
    @EnumSource(value = SignatureAlgorithm.class, names = "ML_DSA_65", mode = EnumSource.Mode.EXCLUDE) // refused in FIPS mode
    void keysMoveBetweenDefaultAndFipsMode(SignatureAlgorithm alg) {
        CryptoSuite jdk = CryptoSuite.select(CryptoSuite.Preference.JDK);
        for (CryptoSuite[] pair : new CryptoSuite[][] {{jdk, FIPS}, {FIPS, jdk}}) {
            CryptoSuite.GeneratedKey key = pair[0].generate(alg.keyType());
            byte[] signature = pair[1].sign(alg, pair[1].privateKey(alg.keyType(), key.material()), DATA);
            assertThat(pair[0].verify(alg, pair[0].publicKey(alg.keyType(), key.publicKeySpki()), DATA, signature)).isTrue();
            byte[] other = Arrays.copyOf(DATA, DATA.length + 1);
            assertThat(pair[1].verify(alg, pair[1].publicKey(alg.keyType(), key.publicKeySpki()), other, signature)).isFalse();
        }
    }

    @Test
    void selfTestIncludesTheModuleCheck() {
        assertThatCode(FIPS::selfTest).doesNotThrowAnyException();
    }
}
