package com.zeroui.kms.crypto;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The JCA providers chosen at start-up, one per primitive, and the operations the service runs on
 * them. Selection prefers Amazon Corretto Crypto Provider (AWS-LC) where its native library loads
 * and the primitive passes a round-trip self-test, else the JDK's own provider for that primitive.
 * Nothing here is hand-rolled: every operation is a JCA call.
 *
 * <p>In FIPS mode ({@link #fips}) every primitive comes from the Bouncy Castle FIPS module in
 * approved-only mode, keys and nonces come from its DRBG, and non-approved algorithms are refused
 * ({@link #refusal}) rather than served by another provider.
 *
 * <p>Instances are immutable and thread-safe; JCA engine objects are created per call.
 */
public final class CryptoSuite {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String preferred;
    private final Map<KeyType, Provider> keyProviders;
    private final Map<SignatureAlgorithm, Provider> signatureProviders;
    private final Map<AeadAlgorithm, Provider> aeadProviders;
    private final Map<MacAlgorithm, Provider> macProviders;
    private final Map<KeyType, KeyPair> selfTestKeys = new EnumMap<>(KeyType.class);
    /** The FIPS module serving every primitive, or null outside FIPS mode. */
    private final FipsModule fips;
    private final SecureRandom random;
    /** The SP 800-90A DRBG behind {@link #randomBytes}: the module's (FIPS), AWS-LC's (ACCP) or the JDK's. */
    private final SecureRandom drbg;
    /** Serves HMAC for key derivation; null: the JDK's. */
    private final Provider macProvider;

    private CryptoSuite(String preferred, Map<KeyType, Provider> keyProviders,
                        Map<SignatureAlgorithm, Provider> signatureProviders, Map<AeadAlgorithm, Provider> aeadProviders,
                        Map<MacAlgorithm, Provider> macProviders, FipsModule fips, SecureRandom random,
                        SecureRandom drbg, Provider macProvider) {
        this.macProviders = macProviders;
        this.drbg = drbg;
        this.macProvider = macProvider;
        this.preferred = preferred;
        this.keyProviders = keyProviders;
        this.signatureProviders = signatureProviders;
        this.aeadProviders = aeadProviders;
        this.fips = fips;
        this.random = random;
    }

    /** What {@code KMS_CRYPTO_PROVIDER} may ask for; FIPS is what {@code --fips} selects. */
    public enum Preference { AUTO, JDK, ACCP, FIPS }

    /** ACCP if its native library loaded, else empty. */
    public static Optional<Provider> correttoIfLoaded() {
        try {
            AmazonCorrettoCryptoProvider accp = AmazonCorrettoCryptoProvider.INSTANCE;
            return accp.getLoadingError() == null ? Optional.of(accp) : Optional.empty();
        } catch (LinkageError e) {
            return Optional.empty();
        }
    }

    /**
     * The suite for a preference. In a JVM started in FIPS mode every preference gets the FIPS suite:
     * nothing in that process may use another provider for key operations.
     */
    public static CryptoSuite select(Preference preference) {
        if (preference == Preference.FIPS || FipsModule.registered().isPresent()) {
            return fips(FipsModule.registered().orElseThrow(() -> new IllegalStateException(
                    "FIPS mode needs the Bouncy Castle FIPS class path: start with --fips (or KMS_FIPS=true)")));
        }
        Optional<Provider> accp = preference == Preference.JDK ? Optional.empty() : correttoIfLoaded();
        if (preference == Preference.ACCP && accp.isEmpty()) {
            throw new IllegalStateException("crypto provider ACCP requested but its native library did not load: "
                    + AmazonCorrettoCryptoProvider.INSTANCE.getLoadingError());
        }
        List<Provider> candidates = accp.map(List::of).orElse(List.of());
        String name = accp.map(p -> p.getName() + " " + p.getVersionStr()).orElse("JDK");
        return build(name, candidates, true, null, RANDOM);
    }

    /** Every primitive from {@code provider}, no fallback: for tests that pin one provider. */
    public static CryptoSuite pinnedTo(Provider provider) {
        return build(provider.getName(), List.of(provider), false, null, RANDOM);
    }

    /**
     * Every approved primitive from the FIPS module, randomness from its DRBG, no fallback to any
     * other provider; ChaCha20-Poly1305 is refused ({@link #refusal}).
     */
    public static CryptoSuite fips(FipsModule module) {
        String name = module.provider().getName() + " " + module.moduleVersion() + " (FIPS 140-3, approved-only)";
        return build(name, List.of(module.provider()), false, module, module.random());
    }

    /**
     * Probes every primitive the registry declares ({@link KeyType} and its algorithms) that this
     * suite serves; one the FIPS module does not offer is refused ({@link #refusal}), not probed.
     */
    private static CryptoSuite build(String preferred, List<Provider> candidates, boolean fallBackToJdk,
                                     FipsModule fips, SecureRandom random) {
        Map<KeyType, Provider> keys = new EnumMap<>(KeyType.class);
        Map<SignatureAlgorithm, Provider> sigs = new EnumMap<>(SignatureAlgorithm.class);
        Map<AeadAlgorithm, Provider> aeads = new EnumMap<>(AeadAlgorithm.class);
        Map<MacAlgorithm, Provider> macs = new EnumMap<>(MacAlgorithm.class);
        for (KeyType type : KeyType.values()) {
            if (fipsRefusal(fips, type).isEmpty()) {
                keys.put(type, choose(candidates, fallBackToJdk, p -> probeKeys(type, p, random), type.apiName()));
            }
        }
        for (SignatureAlgorithm alg : SignatureAlgorithm.values()) {
            if (keys.containsKey(alg.keyType())) {
                Provider keyProvider = keys.get(alg.keyType());
                sigs.put(alg, choose(candidates, fallBackToJdk, p -> probeSignature(alg, keyProvider, p, random),
                        alg.apiName()));
            }
        }
        for (AeadAlgorithm alg : AeadAlgorithm.values()) {
            if (keys.containsKey(alg.keyType()) && fipsRefusal(fips, alg).isEmpty()) {
                aeads.put(alg, choose(candidates, fallBackToJdk, p -> probeAead(alg, p), alg.apiName()));
            }
        }
        for (MacAlgorithm alg : MacAlgorithm.values()) {
            if (keys.containsKey(alg.keyType())) {
                macs.put(alg, choose(candidates, fallBackToJdk, p -> probeMac(alg, p), alg.apiName()));
            }
        }
        Provider first = candidates.isEmpty() ? null : candidates.get(0);
        return new CryptoSuite(preferred, keys, sigs, aeads, macs, fips, random, drbg(fips, first), first);
    }

    /**
     * The DRBG random bytes for callers come from: the FIPS module's approved DRBG, else the preferred
     * provider's ({@code DEFAULT}: AWS-LC's CTR_DRBG under ACCP), else the JDK's SP 800-90A Hash_DRBG.
     */
    private static SecureRandom drbg(FipsModule fips, Provider preferred) {
        if (fips != null) {
            return fips.random();
        }
        if (preferred != null) {
            for (String name : List.of("DEFAULT", "LibCryptoRng", "DRBG")) { // DRBGs only, never a bare OS source
                if (preferred.getService("SecureRandom", name) != null) {
                    try {
                        return SecureRandom.getInstance(name, preferred);
                    } catch (GeneralSecurityException e) {
                        break; // listed but unusable: the JDK's DRBG below
                    }
                }
            }
        }
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK offers no DRBG", e);
        }
    }

    /** Why FIPS mode refuses a key type, or empty outside FIPS mode and when the module serves it. */
    private static Optional<String> fipsRefusal(FipsModule fips, KeyType type) {
        return fips == null ? Optional.empty() : type.notInFipsModule().map(why -> fipsMessage(type.apiName(), why));
    }

    private static Optional<String> fipsRefusal(FipsModule fips, AeadAlgorithm alg) {
        return fips == null ? fipsRefusal(null, alg.keyType())
                : alg.notInFipsModule().map(why -> fipsMessage(alg.apiName(), why)).or(() -> fipsRefusal(fips, alg.keyType()));
    }

    private static String fipsMessage(String name, String why) {
        return name + " " + why + " and this node runs in FIPS mode";
    }

    private interface Probe {
        void run(Provider provider) throws GeneralSecurityException;
    }

    /** Returns the first candidate passing the probe; null stands for "the JDK's default". */
    private static Provider choose(List<Provider> candidates, boolean fallBack, Probe probe, String what) {
        for (Provider candidate : candidates) {
            try {
                probe.run(candidate);
                return candidate;
            } catch (GeneralSecurityException | RuntimeException e) {
                // this provider lacks or fails the primitive: try the next one
            }
        }
        if (!fallBack) {
            throw new IllegalStateException("no provider passes the self-test for " + what);
        }
        try {
            probe.run(null);
            return null;
        } catch (GeneralSecurityException e) {
            // JDK 17 lacks some primitives (ML-DSA): Bouncy Castle is the last resort, never preferred
            Provider bc = BouncyCastleProviders.lastResort();
            try {
                probe.run(bc);
                return bc;
            } catch (GeneralSecurityException | RuntimeException bcFailure) {
                e.addSuppressed(bcFailure);
                throw new IllegalStateException("neither the JDK nor Bouncy Castle passes the self-test for " + what, e);
            }
        }
    }

    private static void requireOid(KeyType type, byte[] spki) throws GeneralSecurityException {
        if (type.spkiOid().isEmpty()) {
            return;
        }
        String oid;
        try {
            oid = org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(spki).getAlgorithm().getAlgorithm().getId();
        } catch (RuntimeException e) {
            throw new java.security.spec.InvalidKeySpecException("not a SubjectPublicKeyInfo");
        }
        if (!type.spkiOid().get().equals(oid)) {
            throw new java.security.spec.InvalidKeySpecException("public key OID " + oid + " is not " + type);
        }
    }

    private static void probeKeys(KeyType type, Provider provider, SecureRandom random) throws GeneralSecurityException {
        if (type.isAsymmetric()) {
            KeyPair pair = generatePair(type, provider, random);
            KeyFactory factory = keyFactory(type, provider);
            factory.generatePrivate(new PKCS8EncodedKeySpec(type.storedPrivateKey(pair.getPrivate())));
            factory.generatePublic(new X509EncodedKeySpec(pair.getPublic().getEncoded()));
        }
    }

    private static void probeSignature(SignatureAlgorithm alg, Provider keyProvider, Provider provider,
                                       SecureRandom random) throws GeneralSecurityException {
        KeyPair pair = generatePair(alg.keyType(), keyProvider, random);
        byte[] message = "kms self-test".getBytes();
        byte[] sig = sign(alg, provider, pair.getPrivate(), message);
        if (!verify(alg, provider, pair.getPublic(), message, sig)) {
            throw new GeneralSecurityException(alg + " self-test signature does not verify");
        }
    }

    private static void probeMac(MacAlgorithm alg, Provider provider) throws GeneralSecurityException {
        SecretKey key = new SecretKeySpec(new byte[32], alg.jcaName());
        byte[] tag = mac(alg, provider, key, "kms".getBytes());
        if (tag.length != alg.tagLength() || !java.security.MessageDigest.isEqual(tag, mac(alg, provider, key, "kms".getBytes()))) {
            throw new GeneralSecurityException(alg + " self-test failed");
        }
    }

    private static void probeAead(AeadAlgorithm alg, Provider provider) throws GeneralSecurityException {
        SecretKey key = new SecretKeySpec(new byte[32], alg.keyAlgorithm());
        byte[] nonce = new byte[AeadAlgorithm.NONCE_BYTES];
        byte[] sealed = seal(alg, provider, key, nonce, "kms".getBytes(), new byte[0]);
        if (!Arrays.equals(open(alg, provider, key, nonce, sealed, new byte[0]), "kms".getBytes())) {
            throw new GeneralSecurityException(alg + " self-test round trip failed");
        }
    }

    /**
     * Re-runs a known-answer round trip on every chosen provider (sign/verify per signature
     * algorithm, seal/open per AEAD). Throws naming the first primitive that fails.
     */
    public synchronized void selfTest() throws GeneralSecurityException {
        for (SignatureAlgorithm alg : signatureProviders.keySet()) {
            KeyPair pair = selfTestKeys.get(alg.keyType());
            if (pair == null) {
                pair = generatePair(alg.keyType(), keyProviders.get(alg.keyType()), random);
                selfTestKeys.put(alg.keyType(), pair);
            }
            byte[] message = "kms self-test".getBytes();
            if (!verify(alg, signatureProviders.get(alg), pair.getPublic(), message,
                    sign(alg, signatureProviders.get(alg), pair.getPrivate(), message))) {
                throw new GeneralSecurityException(alg + " self-test failed");
            }
        }
        for (AeadAlgorithm alg : aeadProviders.keySet()) {
            probeAead(alg, aeadProviders.get(alg));
        }
        for (MacAlgorithm alg : macProviders.keySet()) {
            probeMac(alg, macProviders.get(alg));
        }
        if (fips != null) {
            fips.check();
        }
    }

    /** The FIPS module serving this suite, when it is the FIPS suite. */
    public Optional<FipsModule> fipsModule() {
        return Optional.ofNullable(fips);
    }

    /** Why this suite refuses {@code alg} (FIPS mode: not approved), or empty when it serves it. */
    public Optional<String> refusal(AeadAlgorithm alg) {
        return fipsRefusal(fips, alg);
    }

    /** Why this suite refuses keys of {@code type} (FIPS mode: not in the module), or empty when it serves them. */
    public Optional<String> refusal(KeyType type) {
        return fipsRefusal(fips, type);
    }

    public Optional<String> refusal(SignatureAlgorithm alg) {
        return refusal(alg.keyType());
    }

    public Optional<String> refusal(MacAlgorithm alg) {
        return refusal(alg.keyType());
    }

    /** Every algorithm name this suite serves, in registry order: what GET /config calls allowed_algorithms. */
    public List<String> servedAlgorithms() {
        List<String> out = new java.util.ArrayList<>();
        signatureProviders.keySet().forEach(a -> out.add(a.apiName()));
        aeadProviders.keySet().forEach(a -> out.add(a.apiName()));
        macProviders.keySet().forEach(a -> out.add(a.apiName()));
        return List.copyOf(out);
    }

    /** The key types and algorithms of the registry this suite refuses (FIPS mode), by API name. */
    public List<String> refusedNames() {
        List<String> out = new java.util.ArrayList<>();
        for (KeyType type : KeyType.values()) {
            refusal(type).ifPresent(r -> out.add(type.apiName()));
        }
        for (SignatureAlgorithm alg : SignatureAlgorithm.values()) {
            refusal(alg).ifPresent(r -> out.add(alg.apiName()));
        }
        for (AeadAlgorithm alg : AeadAlgorithm.values()) {
            refusal(alg).ifPresent(r -> out.add(alg.apiName()));
        }
        for (MacAlgorithm alg : MacAlgorithm.values()) {
            refusal(alg).ifPresent(r -> out.add(alg.apiName()));
        }
        return List.copyOf(new java.util.LinkedHashSet<>(out));
    }

    private void requireServed(KeyType type) {
        refusal(type).ifPresent(reason -> {
            throw new UnsupportedOperationException(reason);
        });
    }

    private void requireServed(AeadAlgorithm alg) throws GeneralSecurityException {
        Optional<String> refused = refusal(alg);
        if (refused.isPresent()) {
            throw new GeneralSecurityException(refused.get());
        }
    }

    // ---- operations -------------------------------------------------------------------------

    /** A freshly generated key: PKCS#8 private key or raw secret, and the SPKI public key (null for AES). */
    public record GeneratedKey(SecretBytes material, byte[] publicKeySpki) {
    }

    /** @throws UnsupportedOperationException naming the reason when this suite refuses the type (FIPS mode) */
    public GeneratedKey generate(KeyType type) {
        requireServed(type);
        try {
            if (!type.isAsymmetric() && fips != null) {
                // generated by the module itself (its DRBG, its key generator): approved key generation
                KeyGenerator generator = KeyGenerator.getInstance(type.jcaAlgorithm(), fips.provider());
                generator.init(type.sizeBits(), random);
                byte[] raw = generator.generateKey().getEncoded();
                SecretBytes secret = SecretBytes.copyOf(raw);
                Arrays.fill(raw, (byte) 0);
                return new GeneratedKey(secret, null);
            }
            if (!type.isAsymmetric()) {
                byte[] raw = new byte[type.sizeBits() / 8];
                RANDOM.nextBytes(raw);
                SecretBytes secret = SecretBytes.copyOf(raw);
                Arrays.fill(raw, (byte) 0);
                return new GeneratedKey(secret, null);
            }
            KeyPair pair = generatePair(type, keyProviders.get(type), random);
            byte[] pkcs8 = type.storedPrivateKey(pair.getPrivate());
            SecretBytes secret = SecretBytes.copyOf(pkcs8);
            Arrays.fill(pkcs8, (byte) 0);
            return new GeneratedKey(secret, pair.getPublic().getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("key generation failed for " + type, e);
        }
    }

    public PrivateKey privateKey(KeyType type, SecretBytes pkcs8) {
        byte[] encoded = pkcs8.reveal();
        try {
            return keyFactory(type, keyProviders.get(type)).generatePrivate(new PKCS8EncodedKeySpec(encoded));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("stored private key of type " + type + " does not decode", e);
        } finally {
            Arrays.fill(encoded, (byte) 0);
        }
    }

    public PublicKey publicKey(KeyType type, byte[] spki) {
        try {
            requireOid(type, spki);
            return keyFactory(type, keyProviders.get(type)).generatePublic(new X509EncodedKeySpec(spki));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("stored public key of type " + type + " does not decode", e);
        }
    }

    /** The secret key object for a JCA key algorithm ({@link KeyType#secretKeyAlgorithms()}). */
    public static SecretKey secretKey(SecretBytes raw, String jcaKeyAlgorithm) {
        byte[] bytes = raw.reveal();
        try {
            return new SecretKeySpec(bytes, jcaKeyAlgorithm);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** The full-length tag of {@code data}. */
    public byte[] mac(MacAlgorithm alg, SecretKey key, byte[] data) {
        try {
            Provider provider = macProviders.get(alg);
            if (provider == null && !macProviders.containsKey(alg)) {
                throw new GeneralSecurityException(refusal(alg).orElse(alg + " is not served"));
            }
            return mac(alg, provider, key, data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(alg + " failed", e);
        }
    }

    /** Whether {@code tag} is {@code data}'s full-length tag, compared in constant time. */
    public boolean verifyMac(MacAlgorithm alg, SecretKey key, byte[] data, byte[] tag) {
        byte[] expected = mac(alg, key, data);
        // MessageDigest.isEqual is constant-time in the length of its inputs since JDK 6u17 (JDK-6863503)
        return tag.length == alg.tagLength() && java.security.MessageDigest.isEqual(expected, tag);
    }

    /** The secret key object for an AEAD algorithm; the same 256-bit key serves both AEADs. */
    public static SecretKey secretKey(SecretBytes raw, AeadAlgorithm alg) {
        byte[] bytes = raw.reveal();
        try {
            return new SecretKeySpec(bytes, alg.keyAlgorithm());
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    public byte[] sign(SignatureAlgorithm alg, PrivateKey key, byte[] data) {
        try {
            return sign(alg, signatureProviders.get(alg), key, data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(alg + " signing failed", e);
        }
    }

    /**
     * True only for a signature of exactly the algorithm's length that verifies. A malformed
     * signature is false, never an exception.
     */
    public boolean verify(SignatureAlgorithm alg, PublicKey key, byte[] data, byte[] signature) {
        try {
            return verify(alg, signatureProviders.get(alg), key, data, signature);
        } catch (InvalidKeyException e) {
            throw new IllegalStateException(alg + " verification key rejected", e);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    public byte[] seal(AeadAlgorithm alg, SecretKey key, byte[] nonce, byte[] plaintext, byte[] aad) {
        try {
            requireServed(alg);
            return seal(alg, aeadProviders.get(alg), key, nonce, plaintext, aad);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(alg + " encryption failed", e);
        }
    }

    /** Decrypts and authenticates; every failure is the same detail-free exception. */
    public byte[] open(AeadAlgorithm alg, SecretKey key, byte[] nonce, byte[] ciphertextAndTag, byte[] aad)
            throws AeadAuthenticationException {
        if (nonce.length != AeadAlgorithm.NONCE_BYTES || ciphertextAndTag.length < AeadAlgorithm.TAG_BYTES) {
            throw new AeadAuthenticationException();
        }
        try {
            requireServed(alg);
            return open(alg, aeadProviders.get(alg), key, nonce, ciphertextAndTag, aad);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new AeadAuthenticationException();
        }
    }

    /** A ciphertext and the nonce it was sealed under. */
    public record Sealed(byte[] nonce, byte[] ciphertextAndTag) {
    }

    /**
     * Seals under a fresh nonce. In FIPS mode the module generates the IV itself (SP 800-38D §8.2.2,
     * FIPS 140-3 IG C.H); otherwise it is {@link #randomNonce()}.
     */
    public Sealed sealWithFreshNonce(AeadAlgorithm alg, SecretKey key, byte[] plaintext, byte[] aad) {
        if (fips == null) {
            byte[] nonce = randomNonce();
            return new Sealed(nonce, seal(alg, key, nonce, plaintext, aad));
        }
        try {
            requireServed(alg);
            Cipher cipher = cipher(alg, aeadProviders.get(alg));
            cipher.init(Cipher.ENCRYPT_MODE, key, random);
            if (aad.length > 0) {
                cipher.updateAAD(aad);
            }
            byte[] sealed = cipher.doFinal(plaintext);
            byte[] nonce = cipher.getIV();
            if (nonce == null || nonce.length != AeadAlgorithm.NONCE_BYTES
                    || sealed.length != plaintext.length + AeadAlgorithm.TAG_BYTES) {
                throw new GeneralSecurityException("module-generated IV or tag has an unexpected size");
            }
            return new Sealed(nonce, sealed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(alg + " encryption failed", e);
        }
    }

    public static byte[] randomNonce() {
        byte[] nonce = new byte[AeadAlgorithm.NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        return nonce;
    }

    /** {@code length} bytes from the DRBG (see {@link #randomSource()}). */
    public byte[] randomBytes(int length) {
        byte[] out = new byte[length];
        drbg.nextBytes(out);
        return out;
    }

    /** The DRBG's algorithm and provider, e.g. "DEFAULT (BCFIPS)" or "DRBG (SUN)". */
    public String randomSource() {
        return drbg.getAlgorithm() + " (" + drbg.getProvider().getName() + ")";
    }

    /** BYOK key transport (RSA-OAEP + AES-KWP): the module's in FIPS mode, else the JDK's. */
    public KeyImportWrapping importWrapping() {
        return new KeyImportWrapping(fips == null ? null : fips.provider(), fips == null ? new SecureRandom() : random);
    }

    /** Key derivation (HKDF, PBKDF2) on this suite's providers. */
    public KeyDerivation derivation() {
        return new KeyDerivation(fips == null ? macProvider : fips.provider(), fips != null);
    }

    // ---- static JCA plumbing, also used by the probes ------------------------------------------

    static KeyPair generatePair(KeyType type, Provider provider, SecureRandom random) throws GeneralSecurityException {
        KeyPairGenerator generator = provider == null
                ? KeyPairGenerator.getInstance(type.jcaAlgorithm())
                : KeyPairGenerator.getInstance(type.jcaAlgorithm(), provider);
        java.security.spec.AlgorithmParameterSpec parameters = type.generationParameters();
        if (parameters != null) {
            generator.initialize(parameters, random);
        }
        // types named fully by their algorithm (Ed25519, ML-DSA-65) use the provider's own source: in FIPS mode the module's DRBG
        return generator.generateKeyPair();
    }

    static KeyFactory keyFactory(KeyType type, Provider provider) throws GeneralSecurityException {
        return provider == null ? KeyFactory.getInstance(type.jcaAlgorithm())
                : KeyFactory.getInstance(type.jcaAlgorithm(), provider);
    }

    private static Signature signature(SignatureAlgorithm alg, Provider provider) throws GeneralSecurityException {
        Signature signature = provider == null ? Signature.getInstance(alg.jcaName())
                : Signature.getInstance(alg.jcaName(), provider);
        if (alg.parameters() != null) {
            signature.setParameter(alg.parameters());
        }
        return signature;
    }

    static byte[] sign(SignatureAlgorithm alg, Provider provider, PrivateKey key, byte[] data)
            throws GeneralSecurityException {
        Signature signature = signature(alg, provider);
        signature.initSign(key);
        signature.update(data);
        return alg.encoding().toWire(signature.sign());
    }

    static boolean verify(SignatureAlgorithm alg, Provider provider, PublicKey key, byte[] data, byte[] sig)
            throws GeneralSecurityException {
        if (sig.length != alg.signatureLength()) {
            return false;
        }
        Signature signature = signature(alg, provider);
        signature.initVerify(key);
        signature.update(data);
        try {
            return signature.verify(alg.encoding().toProvider(sig));
        } catch (SignatureException e) {
            return false;
        }
    }

    static byte[] mac(MacAlgorithm alg, Provider provider, SecretKey key, byte[] data) throws GeneralSecurityException {
        javax.crypto.Mac mac = provider == null ? javax.crypto.Mac.getInstance(alg.jcaName())
                : javax.crypto.Mac.getInstance(alg.jcaName(), provider);
        mac.init(key);
        return mac.doFinal(data);
    }

    private static Cipher cipher(AeadAlgorithm alg, Provider provider) throws GeneralSecurityException {
        return provider == null ? Cipher.getInstance(alg.transformation())
                : Cipher.getInstance(alg.transformation(), provider);
    }

    static byte[] seal(AeadAlgorithm alg, Provider provider, SecretKey key, byte[] nonce, byte[] plaintext, byte[] aad)
            throws GeneralSecurityException {
        Cipher cipher = cipher(alg, provider);
        cipher.init(Cipher.ENCRYPT_MODE, key, alg.parameters(nonce));
        if (aad.length > 0) {
            cipher.updateAAD(aad);
        }
        return cipher.doFinal(plaintext);
    }

    static byte[] open(AeadAlgorithm alg, Provider provider, SecretKey key, byte[] nonce, byte[] sealed, byte[] aad)
            throws GeneralSecurityException {
        Cipher cipher = cipher(alg, provider);
        cipher.init(Cipher.DECRYPT_MODE, key, alg.parameters(nonce));
        if (aad.length > 0) {
            cipher.updateAAD(aad);
        }
        try {
            return cipher.doFinal(sealed);
        } catch (AEADBadTagException e) {
            throw new GeneralSecurityException("tag mismatch");
        }
    }

    // ---- description --------------------------------------------------------------------------

    /** The preferred provider's name and version, or "JDK". */
    public String preferredProvider() {
        return preferred;
    }

    /** Primitive name → provider actually serving it, for health and config. */
    public Map<String, String> providersByPrimitive() {
        Map<String, String> out = new LinkedHashMap<>();
        keyProviders.forEach((k, p) -> out.put("keygen:" + k.apiName(), nameOf(p, k.jcaAlgorithm(), "KeyPairGenerator")));
        signatureProviders.forEach((a, p) -> out.put("sign:" + a.apiName(), nameOf(p, a.jcaName(), "Signature")));
        aeadProviders.forEach((a, p) -> out.put("aead:" + a.apiName(), nameOf(p, a.transformation(), "Cipher")));
        macProviders.forEach((a, p) -> out.put("mac:" + a.apiName(), nameOf(p, a.jcaName(), "Mac")));
        keyProviders.keySet().stream().filter(t -> !t.isAsymmetric()).forEach(t ->
                out.put("keygen:" + t.apiName(), fips != null ? fips.provider().getName() : "SecureRandom"));
        return out;
    }

    private static String nameOf(Provider provider, String algorithm, String service) {
        if (provider != null) {
            return provider.getName();
        }
        for (Provider p : java.security.Security.getProviders()) {
            String base = algorithm.contains("/") ? algorithm.substring(0, algorithm.indexOf('/')) : algorithm;
            if (p.getService(service, algorithm) != null || p.getService(service, base) != null) {
                return p.getName();
            }
        }
        return "JDK";
    }
}
