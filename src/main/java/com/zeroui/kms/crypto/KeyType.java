package com.zeroui.kms.crypto;

import static com.zeroui.kms.crypto.KeyCapability.DECRYPT;
import static com.zeroui.kms.crypto.KeyCapability.DERIVE;
import static com.zeroui.kms.crypto.KeyCapability.ENCRYPT;
import static com.zeroui.kms.crypto.KeyCapability.MAC;
import static com.zeroui.kms.crypto.KeyCapability.MAC_VERIFY;
import static com.zeroui.kms.crypto.KeyCapability.SIGN;
import static com.zeroui.kms.crypto.KeyCapability.VERIFY;

import java.security.PrivateKey;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The key-type registry: every key type the service manages, named as in the API, with everything
 * it can do declared here and nowhere else (capabilities, public-key form, where it may live, what
 * FIPS mode says about it). Its algorithms name it ({@link SignatureAlgorithm#keyType()},
 * {@link AeadAlgorithm#keyType()}, {@link MacAlgorithm#keyType()}). Routes, request validation,
 * {@code GET /config}, JWKS, key usages, protection levels and the OpenAPI enums are derived from
 * this enum; {@code KeyTypeRegistryTest} fails when a declared capability has nothing behind it.
 * Adding a key type: docs/ARCHITECTURE.md, "Recipe: add a key type".
 */
public enum KeyType {
    RSA_2048("RSA-2048", "RSA", 2048, Traits.keyPair(Jwks.RSA, SIGN, VERIFY)
            .generatedWith(() -> new RSAKeyGenParameterSpec(2048, RSAKeyGenParameterSpec.F4))),
    ED25519("Ed25519", "Ed25519", 256, Traits.keyPair(Jwks.OKP_ED25519, SIGN, VERIFY)
            .notInHsm("the JDK's PKCS#11 provider has no EdDSA mechanism")),
    AES_256("AES-256", "AES", 256, Traits.secret(ENCRYPT, DECRYPT, DERIVE)),
    /** HMAC-SHA256 (RFC 2104, FIPS 198-1) with a 256-bit key. */
    HMAC_SHA256("HMAC-SHA256", "HmacSHA256", 256, Traits.secret(MAC, MAC_VERIFY)
            .notInHsm("HMAC keys are not generated in the token yet")),
    /** ML-DSA-65 (FIPS 204, security category 3); the size is that of its 1,952-byte public key. */
    ML_DSA_65("ML-DSA-65", "ML-DSA-65", 1952 * 8, Traits.keyPair(Jwks.AKP, SIGN, VERIFY)
            .stored(k -> MlDsaKeys.seedOnlyPkcs8(k), "2.16.840.1.101.3.4.3.18")
            .notInHsm("the JDK's PKCS#11 provider has no ML-DSA mechanism")
            .notInFipsModule("is not in the Bouncy Castle FIPS module this build ships (bc-fips 2.1.x has no ML-DSA)")),
    /** ECDSA on NIST P-256 (FIPS 186-5, SEC 2 secp256r1); signs ES256. */
    ECDSA_P256("ECDSA-P256", "EC", 256, Traits.keyPair(Jwks.EC_P256, SIGN, VERIFY)
            .generatedWith(() -> new ECGenParameterSpec("secp256r1")));

    private final String apiName;
    private final String jcaAlgorithm;
    private final int sizeBits;
    private final Traits traits;

    KeyType(String apiName, String jcaAlgorithm, int sizeBits, Traits traits) {
        this.apiName = apiName;
        this.jcaAlgorithm = jcaAlgorithm;
        this.sizeBits = sizeBits;
        this.traits = traits;
    }

    /**
     * What one key type declares. {@code publicKeyForm} is non-null exactly for key pairs;
     * {@code notInHsm}/{@code notInFips} say why the type is refused there (null: available).
     */
    record Traits(boolean keyPair, Set<KeyCapability> capabilities, PublicKeyForm publicKeyForm,
                  Supplier<AlgorithmParameterSpec> generation, Function<PrivateKey, byte[]> storedForm, String spkiOid,
                  String notInHsm, String notInFips) {
        static Traits keyPair(PublicKeyForm form, KeyCapability... capabilities) {
            return new Traits(true, EnumSet.copyOf(Arrays.asList(capabilities)), form, null, PrivateKey::getEncoded, null,
                    null, null);
        }

        static Traits secret(KeyCapability... capabilities) {
            return new Traits(false, EnumSet.copyOf(Arrays.asList(capabilities)), null, null, null, null, null, null);
        }

        Traits generatedWith(Supplier<AlgorithmParameterSpec> parameters) {
            return new Traits(keyPair, capabilities, publicKeyForm, parameters, storedForm, spkiOid, notInHsm, notInFips);
        }

        /** The PKCS#8 form stored, and the SPKI algorithm OID every public key of the type must carry. */
        Traits stored(Function<PrivateKey, byte[]> pkcs8, String oid) {
            return new Traits(keyPair, capabilities, publicKeyForm, generation, pkcs8, oid, notInHsm, notInFips);
        }

        Traits notInHsm(String why) {
            return new Traits(keyPair, capabilities, publicKeyForm, generation, storedForm, spkiOid, why, notInFips);
        }

        Traits notInFipsModule(String why) {
            return new Traits(keyPair, capabilities, publicKeyForm, generation, storedForm, spkiOid, notInHsm, why);
        }
    }

    public String apiName() {
        return apiName;
    }

    public String jcaAlgorithm() {
        return jcaAlgorithm;
    }

    public int sizeBits() {
        return sizeBits;
    }

    /** A key pair (PKCS#8 private key + SPKI public key) rather than a raw secret. */
    public boolean isAsymmetric() {
        return traits.keyPair();
    }

    public Set<KeyCapability> capabilities() {
        return EnumSet.copyOf(traits.capabilities());
    }

    public boolean can(KeyCapability capability) {
        return traits.capabilities().contains(capability);
    }

    /** Its public key as a JWK, for key pairs; empty for secrets. */
    public Optional<PublicKeyForm> publicKeyForm() {
        return Optional.ofNullable(traits.publicKeyForm());
    }

    /** Signing keys with a public key form are published in the scope's JWKS. */
    public boolean publishedInJwks() {
        return can(SIGN) && traits.publicKeyForm() != null;
    }

    /** Key-pair generation parameters, or null when the JCA algorithm name alone selects them. */
    public AlgorithmParameterSpec generationParameters() {
        return traits.generation() == null ? null : traits.generation().get();
    }

    /** The PKCS#8 encoding of a private key of this type as the service stores it. */
    public byte[] storedPrivateKey(PrivateKey key) {
        return traits.storedForm().apply(key);
    }

    /**
     * The SPKI algorithm OID a public key of this type must carry, when the type checks it itself
     * (ACCP's ML-DSA-65 key factory accepts an ML-DSA-44 key); empty when the key factory checks it.
     */
    public Optional<String> spkiOid() {
        return Optional.ofNullable(traits.spkiOid());
    }

    /** Why keys of this type cannot live in a PKCS#11 token, or empty when they can. */
    public Optional<String> notInHsm() {
        return Optional.ofNullable(traits.notInHsm());
    }

    /** Why FIPS mode refuses this type (completing "{@code <name>} ..."), or empty when the module serves it. */
    public Optional<String> notInFipsModule() {
        return Optional.ofNullable(traits.notInFips());
    }

    /** Its signature algorithms in declaration order; the first is the default. */
    public List<SignatureAlgorithm> signatureAlgorithms() {
        return Arrays.stream(SignatureAlgorithm.values()).filter(a -> a.keyType() == this).toList();
    }

    public List<AeadAlgorithm> aeadAlgorithms() {
        return Arrays.stream(AeadAlgorithm.values()).filter(a -> a.keyType() == this).toList();
    }

    public List<MacAlgorithm> macAlgorithms() {
        return Arrays.stream(MacAlgorithm.values()).filter(a -> a.keyType() == this).toList();
    }

    /** The JCA secret-key algorithm names a secret of this type is used under (one per AEAD/MAC algorithm). */
    public Set<String> secretKeyAlgorithms() {
        Set<String> out = new java.util.LinkedHashSet<>();
        aeadAlgorithms().forEach(a -> out.add(a.keyAlgorithm()));
        macAlgorithms().forEach(a -> out.add(a.jcaName()));
        return out;
    }

    public static Optional<KeyType> fromApiName(String name) {
        return Arrays.stream(values()).filter(t -> t.apiName.equals(name)).findFirst();
    }

    @Override
    public String toString() {
        return apiName;
    }
}
