package com.zeroui.kms.crypto;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;

/**
 * BYOK key transport, as AWS KMS ({@code RSA_AES_KEY_WRAP_SHA_256}) and Google Cloud KMS
 * ({@code RSA_OAEP_3072_SHA256_AES_256}) do it: the caller wraps an ephemeral AES-256 key with
 * RSA-OAEP (SHA-256, MGF1-SHA-256, empty label) under a one-time RSA-3072 wrapping key, wraps the key
 * material with that AES key by AES key wrap with padding (RFC 5649, NIST SP 800-38F KWP), and sends
 * {@code RSA-OAEP ciphertext (384 bytes) || KWP ciphertext}. In FIPS mode both unwraps run in the
 * module (approved: RSA-OAEP key transport, KWP).
 */
public final class KeyImportWrapping {
    public static final int WRAPPING_KEY_BITS = 3072;
    public static final int RSA_CIPHERTEXT_BYTES = WRAPPING_KEY_BITS / 8;
    public static final String ALGORITHM = "RSA_OAEP_3072_SHA256_AES_256_KWP";

    private final Provider provider;
    private final SecureRandom random;

    KeyImportWrapping(Provider provider, SecureRandom random) {
        this.provider = provider;
        this.random = random;
    }

    /** On the JDK's providers (tests and tools). */
    public static KeyImportWrapping jdk() {
        return new KeyImportWrapping(null, new SecureRandom());
    }

    public KeyPair generateWrappingKey() {
        try {
            KeyPairGenerator generator = provider == null ? KeyPairGenerator.getInstance("RSA")
                    : KeyPairGenerator.getInstance("RSA", provider);
            generator.initialize(new RSAKeyGenParameterSpec(WRAPPING_KEY_BITS, RSAKeyGenParameterSpec.F4), random);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA-3072 wrapping key generation failed", e);
        }
    }

    /** Every failure is this one exception, whatever went wrong, so a caller learns nothing from it. */
    public static final class UnwrapException extends Exception {
        private static final long serialVersionUID = 1L;

        UnwrapException() {
            super("the wrapped key material does not unwrap");
        }
    }

    /** The key material inside {@code wrapped}; the caller destroys it. */
    public SecretBytes unwrap(PrivateKey wrappingKey, byte[] wrapped) throws UnwrapException {
        if (wrapped.length <= RSA_CIPHERTEXT_BYTES + 8) {
            throw new UnwrapException();
        }
        byte[] aes = null;
        byte[] material = null;
        try {
            aes = rsaOaepDecrypt(wrappingKey, Arrays.copyOfRange(wrapped, 0, RSA_CIPHERTEXT_BYTES));
            if (aes.length != 32) {
                throw new UnwrapException();
            }
            material = kwpUnwrap(aes, Arrays.copyOfRange(wrapped, RSA_CIPHERTEXT_BYTES, wrapped.length));
            if (material.length == 0) {
                throw new UnwrapException(); // bc-fips unwraps a malformed wrapping of nothing to nothing
            }
            return SecretBytes.copyOf(material);
        } catch (UnwrapException e) {
            throw e;
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new UnwrapException();
        } finally {
            if (aes != null) {
                Arrays.fill(aes, (byte) 0);
            }
            if (material != null) {
                Arrays.fill(material, (byte) 0);
            }
        }
    }

    byte[] rsaOaepDecrypt(PrivateKey key, byte[] ciphertext) throws GeneralSecurityException {
        Cipher rsa = provider == null ? Cipher.getInstance("RSA/ECB/OAEPPadding")
                : Cipher.getInstance("RSA/NONE/OAEPPadding", provider);
        rsa.init(Cipher.DECRYPT_MODE, key, new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256,
                PSource.PSpecified.DEFAULT));
        return rsa.doFinal(ciphertext);
    }

    byte[] kwpUnwrap(byte[] kek, byte[] wrapped) throws GeneralSecurityException {
        Cipher kwp = provider == null ? Cipher.getInstance("AES/KWP/NoPadding") : Cipher.getInstance("AESWRAPPAD", provider);
        kwp.init(Cipher.DECRYPT_MODE, new SecretKeySpec(kek, "AES"));
        return kwp.doFinal(wrapped);
    }

    /** The peer's side (tests, and a Java caller without openssl): wrap {@code material} for {@code wrappingKey}. */
    public static byte[] wrapForImport(java.security.PublicKey wrappingKey, byte[] material) throws GeneralSecurityException {
        byte[] aes = new byte[32];
        new SecureRandom().nextBytes(aes);
        try {
            Cipher rsa = Cipher.getInstance("RSA/ECB/OAEPPadding");
            rsa.init(Cipher.ENCRYPT_MODE, wrappingKey, new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256,
                    PSource.PSpecified.DEFAULT));
            byte[] first = rsa.doFinal(aes);
            Cipher kwp = Cipher.getInstance("AES/KWP/NoPadding");
            kwp.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(aes, "AES"));
            byte[] second = kwp.doFinal(material);
            byte[] out = Arrays.copyOf(first, first.length + second.length);
            System.arraycopy(second, 0, out, first.length, second.length);
            return out;
        } finally {
            Arrays.fill(aes, (byte) 0);
        }
    }
}
