package com.zeroui.kms.client;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;

/**
 * The caller's side of BYOK ({@code RSA_OAEP_3072_SHA256_AES_256_KWP}, as AWS KMS and Google Cloud KMS
 * do it): a fresh AES-256 key wrapped by RSA-OAEP (SHA-256, MGF1-SHA-256, empty label) under the
 * service's one-time wrapping key, followed by the key material wrapped by that AES key with AES key
 * wrap with padding (RFC 5649). Only the JDK's own providers are used.
 */
public final class KeyMaterialWrapping {
    public static final String ALGORITHM = "RSA_OAEP_3072_SHA256_AES_256_KWP";
    private static final SecureRandom RANDOM = new SecureRandom();

    private KeyMaterialWrapping() {
    }

    /** {@code RSA-OAEP(aes) || KWP(aes, material)} for the wrapping key given as SPKI PEM. */
    public static byte[] wrap(String wrappingPublicKeyPem, byte[] material) {
        if (material == null || material.length == 0) {
            throw new IllegalArgumentException("key material is empty");
        }
        byte[] aes = new byte[32];
        RANDOM.nextBytes(aes);
        try {
            Cipher rsa = Cipher.getInstance("RSA/ECB/OAEPPadding");
            rsa.init(Cipher.ENCRYPT_MODE, publicKey(wrappingPublicKeyPem), new OAEPParameterSpec("SHA-256", "MGF1",
                    MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
            byte[] first = rsa.doFinal(aes);
            Cipher kwp = Cipher.getInstance("AES/KWP/NoPadding");
            kwp.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(aes, "AES"));
            byte[] second = kwp.doFinal(material);
            byte[] out = Arrays.copyOf(first, first.length + second.length);
            System.arraycopy(second, 0, out, first.length, second.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot wrap key material for this wrapping key: " + e.getMessage(), e);
        } finally {
            Arrays.fill(aes, (byte) 0);
        }
    }

    static PublicKey publicKey(String pem) throws GeneralSecurityException {
        String b64 = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(b64)));
    }
}
