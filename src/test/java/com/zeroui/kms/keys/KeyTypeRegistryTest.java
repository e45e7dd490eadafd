package com.zeroui.kms.keys;

import static org.assertj.core.api.Assertions.assertThat;

import com.zeroui.kms.crypto.AeadAlgorithm;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.crypto.Jwks;
import com.zeroui.kms.crypto.KeyCapability;
import com.zeroui.kms.crypto.KeyType;
import com.zeroui.kms.crypto.MacAlgorithm;
import com.zeroui.kms.crypto.SignatureAlgorithm;
import com.zeroui.kms.keystore.ProtectionLevel;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The key-type registry ({@link KeyType}) is complete: every capability a type declares has what
 * serves it (algorithms, a public-key form, a key usage), nothing serves a capability the type does
 * not declare, and everything derived from the registry (usages, JWKS membership, protection levels,
 * allowed algorithms) follows it. Forgetting a piece when adding a key type fails here.
 */
class KeyTypeRegistryTest {
    private static final CryptoSuite JDK = CryptoSuite.select(CryptoSuite.Preference.JDK);

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void declaredCapabilitiesHaveTheirAlgorithmsAndNoOthers(KeyType type) {
        assertThat(type.capabilities()).as(type + " declares what it can do").isNotEmpty();
        assertThat(!type.signatureAlgorithms().isEmpty()).as(type + ": sign/verify ⇔ signature algorithms")
                .isEqualTo(type.can(KeyCapability.SIGN)).isEqualTo(type.can(KeyCapability.VERIFY));
        assertThat(!type.aeadAlgorithms().isEmpty()).as(type + ": encrypt/decrypt ⇔ AEAD algorithms")
                .isEqualTo(type.can(KeyCapability.ENCRYPT)).isEqualTo(type.can(KeyCapability.DECRYPT));
        assertThat(!type.macAlgorithms().isEmpty()).as(type + ": mac/mac_verify ⇔ MAC algorithms")
                .isEqualTo(type.can(KeyCapability.MAC)).isEqualTo(type.can(KeyCapability.MAC_VERIFY));
        assertThat(type.publicKeyForm().isPresent()).as(type + ": a key pair has a public-key form, a secret none")
                .isEqualTo(type.isAsymmetric());
        assertThat(KeyUsage.permittedFor(type).stream().map(KeyUsage::capability).collect(Collectors.toSet()))
                .as(type + ": key_usage values").isEqualTo(type.capabilities());
    }

    @Test
    void everyCapabilityIsAKeyUsageAndAStateTableColumn() {
        assertThat(Arrays.stream(KeyUsage.values()).map(KeyUsage::capability).collect(Collectors.toSet()))
                .isEqualTo(EnumSet.allOf(KeyCapability.class));
        for (KeyUsage usage : KeyUsage.values()) {
            assertThat(KeyOperation.of(usage).apiName()).isEqualTo(usage.apiName());
        }
    }

    /** Every type the JDK suite serves generates; key pairs publish a JWK with kid, alg and use. */
    @ParameterizedTest
    @EnumSource(KeyType.class)
    void everyTypeGeneratesAndKeyPairsPublishAJwk(KeyType type) {
        CryptoSuite.GeneratedKey key = JDK.generate(type);
        if (!type.isAsymmetric()) {
            assertThat(key.publicKeySpki()).isNull();
            assertThat(key.material().length()).isEqualTo(type.sizeBits() / 8);
            return;
        }
        Map<String, Object> jwk = Jwks.publicJwk(type, key.publicKeySpki(), "kid-1");
        assertThat(jwk).containsEntry("kid", "kid-1").containsEntry("use", "sig")
                .containsEntry("alg", SignatureAlgorithm.defaultFor(type).apiName()).containsKey("kty");
        assertThat(type.publishedInJwks()).isEqualTo(type.can(KeyCapability.SIGN));
    }

    @Test
    void jwksListsExactlyTheSigningTypes() {
        Set<KeyType> signing = EnumSet.noneOf(KeyType.class);
        Arrays.stream(KeyType.values()).filter(t -> t.can(KeyCapability.SIGN)).forEach(signing::add);
        assertThat(PublicKeys.SIGNING_TYPES).containsExactlyInAnyOrderElementsOf(signing)
                .contains(KeyType.RSA_2048, KeyType.ED25519, KeyType.ML_DSA_65);
    }

    @Test
    void protectionLevelsFollowTheRegistry() {
        assertThat(ProtectionLevel.SOFTWARE.keyTypes()).isEqualTo(EnumSet.allOf(KeyType.class));
        assertThat(ProtectionLevel.HSM.keyTypes()).containsExactlyInAnyOrder(KeyType.RSA_2048, KeyType.AES_256, KeyType.ECDSA_P256);
        assertThat(ProtectionLevel.HSM.supports(AeadAlgorithm.AES_256_GCM)).isTrue();
        assertThat(ProtectionLevel.HSM.supports(AeadAlgorithm.CHACHA20_POLY1305)).isFalse();
        assertThat(ProtectionLevel.HSM.refusal(KeyType.ML_DSA_65)).contains("ML-DSA-65", "PKCS#11");
    }

    @Test
    void allowedAlgorithmsAreEveryAlgorithmOfTheRegistry() {
        Set<String> all = new java.util.LinkedHashSet<>();
        Arrays.stream(SignatureAlgorithm.values()).forEach(a -> all.add(a.apiName()));
        Arrays.stream(AeadAlgorithm.values()).forEach(a -> all.add(a.apiName()));
        Arrays.stream(MacAlgorithm.values()).forEach(a -> all.add(a.apiName()));
        assertThat(JDK.servedAlgorithms()).containsExactlyElementsOf(all);
        assertThat(JDK.refusedNames()).isEmpty();
    }
}
