package com.zeroui.kms.client.jca;

import com.zeroui.kms.client.KmsClient;
import com.zeroui.kms.client.model.KeyMetadata;
import com.zeroui.kms.client.model.PublicKeyInfo;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Provider;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A JCA provider whose keys live in the KMS. The key handles carry the client that uses them, so one
 * provider instance serves any number of clients:
 * <pre>{@code
 * Provider kms = new KmsProvider();
 * PrivateKey key = KmsProvider.privateKey(client, "alias/jwt-signing");
 * Signature s = Signature.getInstance("SHA256withRSA", kms);
 * s.initSign(key); s.update(data); byte[] sig = s.sign();
 * }</pre>
 * Signature: Ed25519 (EdDSA), SHA256withRSA, RSASSA-PSS (PS256 parameters), ML-DSA-65, and for ECDSA-P256
 * keys SHA256withECDSAinP1363Format (ES256, r‖s) and SHA256withECDSA (DER);
 * Cipher: AES/GCM/NoPadding; Mac: HmacSHA256 (when the service offers HMAC keys).
 */
public final class KmsProvider extends Provider {
    private static final long serialVersionUID = 1L;
    public static final String NAME = "KMS";
    private static final String HANDLES = KmsPrivateKey.class.getName() + "|" + KmsPublicKey.class.getName() + "|"
            + KmsSecretKey.class.getName();

    public KmsProvider() {
        super(NAME, "1.0", "Keys held by the kms service: Signature, Cipher (AES/GCM) and Mac over its HTTP API");
        signature("Ed25519", KmsSignatureSpi.Ed25519.class, "EdDSA");
        signature("SHA256withRSA", KmsSignatureSpi.Sha256WithRsa.class);
        signature("RSASSA-PSS", KmsSignatureSpi.RsaPss.class, "SHA256withRSA/PSS", "SHA256withRSAandMGF1");
        signature("ML-DSA-65", KmsSignatureSpi.MlDsa65.class, "ML-DSA");
        signature("SHA256withECDSAinP1363Format", KmsSignatureSpi.Es256.class, "ES256");
        signature("SHA256withECDSA", KmsSignatureSpi.Sha256WithEcdsa.class);
        service("Cipher", "AES/GCM/NoPadding", KmsAesGcmCipherSpi.class, List.of("AES_256/GCM/NoPadding"));
        service("Mac", "HmacSHA256", KmsHmacSpi.class, List.of("HMAC-SHA256"));
    }

    private void signature(String name, Class<?> spi, String... aliases) {
        service("Signature", name, spi, List.of(aliases));
    }

    private void service(String type, String name, Class<?> spi, List<String> aliases) {
        // SupportedKeyClasses: installed with Security.addProvider, the JDK picks this provider only for KMS key handles
        putService(new Service(this, type, name, spi.getName(), aliases, Map.of("SupportedKeyClasses", HANDLES)));
    }

    /** A handle on the KMS key {@code keyId} (id or {@code alias/<name>}), typed by its metadata. */
    public static KmsPrivateKey privateKey(KmsClient client, String keyId) {
        KeyMetadata meta = client.keys().get(keyId);
        return new KmsPrivateKey(client, keyId, family(meta.keyType()));
    }

    /** A handle on the KMS symmetric key {@code keyId}: {@code AES} or {@code HmacSHA256} by its type. */
    public static KmsSecretKey secretKey(KmsClient client, String keyId) {
        KeyMetadata meta = client.keys().get(keyId);
        return new KmsSecretKey(client, keyId, family(meta.keyType()));
    }

    /**
     * The key's public half as a JDK {@link PublicKey} (RSA, Ed25519): verifies locally, with any provider,
     * without the service. For types the JDK cannot parse (ML-DSA-65 on Java 17) a {@link KmsPublicKey}
     * that the service verifies with.
     */
    public static PublicKey publicKey(KmsClient client, String keyId) {
        PublicKeyInfo info = client.keys().publicKey(keyId);
        byte[] spki = Base64.getMimeDecoder().decode(info.publicKey().replaceAll("-----(BEGIN|END) PUBLIC KEY-----", ""));
        String family = family(info.keyType());
        try {
            return KeyFactory.getInstance(family).generatePublic(new X509EncodedKeySpec(spki));
        } catch (GeneralSecurityException notInThisJdk) {
            return new KmsPublicKey(client, keyId, family, spki);
        }
    }

    /** The JCA key family of a KMS key type: RSA-2048 → RSA, ECDSA-P256 → EC, AES-256 → AES, HMAC-SHA256 → HmacSHA256. */
    static String family(String keyType) {
        if (keyType.startsWith("RSA")) {
            return "RSA";
        }
        if (keyType.startsWith("AES")) {
            return "AES";
        }
        if (keyType.startsWith("ECDSA-")) {
            return "EC";
        }
        if (keyType.startsWith("HMAC-")) {
            return "Hmac" + keyType.substring("HMAC-".length());
        }
        return keyType;
    }
}
