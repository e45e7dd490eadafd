package com.zeroui.kms.crypto;

import java.security.GeneralSecurityException;
import java.security.Provider;
import java.util.Arrays;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * HKDF-SHA256 (RFC 5869) and PBKDF2-HMAC-SHA256 (RFC 8018, NIST SP 800-132) on JCA engines.
 * HKDF is RFC 5869's two HMAC loops over the suite's {@code HmacSHA256} (the JCA of Java 17 has no
 * HKDF engine; ACCP's has a provider-specific parameter class); PBKDF2 is the provider's own
 * {@code SecretKeyFactory}. Outputs are compared with Bouncy Castle's generators and the published
 * vectors in the tests.
 *
 * <p>In FIPS mode PBKDF2 is the module's approved SP 800-132 service, and HKDF is refused: the module
 * offers HKDF only inside key agreement (SP 800-56C), not as a KDF over a stored key.
 */
public final class KeyDerivation {
    public static final int SHA256_BYTES = 32;
    /** RFC 5869 §2.3: L ≤ 255·HashLen. */
    public static final int HKDF_MAX_BYTES = 255 * SHA256_BYTES;

    private final Provider provider;
    private final boolean fips;

    KeyDerivation(Provider provider, boolean fips) {
        this.provider = provider;
        this.fips = fips;
    }

    /** For tests and tools: HKDF/PBKDF2 on one provider (null: the JDK's), outside FIPS mode. */
    public static KeyDerivation on(Provider provider) {
        return new KeyDerivation(provider, false);
    }

    /** Why this node refuses HKDF (FIPS mode), or empty. */
    public Optional<String> hkdfRefusal() {
        return fips ? Optional.of("HKDF-SHA256 over a stored key is not a FIPS 140-3 approved key derivation"
                + " (the module offers HKDF only within SP 800-56C key agreement) and this node runs in FIPS mode;"
                + " PBKDF2-HMAC-SHA256 is available") : Optional.empty();
    }

    /** HKDF-Extract then HKDF-Expand (RFC 5869 §2.2–2.3); empty salt means HashLen zero bytes. */
    public byte[] hkdfSha256(byte[] ikm, byte[] salt, byte[] info, int length) {
        if (hkdfRefusal().isPresent()) {
            throw new IllegalStateException(hkdfRefusal().get());
        }
        if (length < 1 || length > HKDF_MAX_BYTES) {
            throw new IllegalArgumentException("HKDF length must be 1.." + HKDF_MAX_BYTES);
        }
        byte[] prk = null;
        try {
            Mac extract = mac();
            extract.init(new RawKey(salt.length == 0 ? new byte[SHA256_BYTES] : salt));
            prk = extract.doFinal(ikm);
            Mac expand = mac();
            expand.init(new RawKey(prk));
            byte[] out = new byte[length];
            byte[] previous = new byte[0];
            int done = 0;
            for (int counter = 1; done < length; counter++) {
                expand.update(previous);
                expand.update(info);
                expand.update((byte) counter);
                byte[] block = expand.doFinal();
                Arrays.fill(previous, (byte) 0);
                previous = block;
                int take = Math.min(block.length, length - done);
                System.arraycopy(block, 0, out, done, take);
                done += take;
            }
            Arrays.fill(previous, (byte) 0);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HKDF-SHA256 failed", e);
        } finally {
            if (prk != null) {
                Arrays.fill(prk, (byte) 0);
            }
        }
    }

    /** PBKDF2 with HMAC-SHA256; the password is encoded as UTF-8 by the provider (JDK and BC-FJA alike). */
    public byte[] pbkdf2Sha256(char[] password, byte[] salt, int iterations, int length) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, length * 8);
        try {
            SecretKeyFactory factory = fips ? SecretKeyFactory.getInstance("PBKDF2WITHHMACSHA256", provider)
                    : SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256"); // ACCP has no PBKDF2: the JDK's
            return factory.generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("PBKDF2-HMAC-SHA256 refused the parameters: " + e.getMessage(), e);
        } catch (AssertionError e) {
            // BC-FJA refuses parameters SP 800-132 does not approve (a password under 112 bits) with an
            // Error, not an exception; it is a bad request, never an internal error
            if (fips && isUnapprovedOperation(e)) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            throw e;
        } finally {
            spec.clearPassword();
        }
    }

    /** The module's classes are reached only by reflection (see FipsModule): recognised by name. */
    private static boolean isUnapprovedOperation(Throwable e) {
        for (Class<?> c = e.getClass(); c != null; c = c.getSuperclass()) {
            if (c.getName().equals("org.bouncycastle.crypto.fips.FipsUnapprovedOperationError")) {
                return true;
            }
        }
        return false;
    }

    private Mac mac() throws GeneralSecurityException {
        return provider == null ? Mac.getInstance("HmacSHA256") : Mac.getInstance("HmacSHA256", provider);
    }

    /** An HMAC key of any length, the empty one included (SecretKeySpec refuses empty keys; RFC 5869 allows them). */
    private static final class RawKey implements SecretKey {
        private static final long serialVersionUID = 1L;
        private final byte[] bytes;

        RawKey(byte[] bytes) {
            this.bytes = bytes.clone();
        }

        @Override
        public String getAlgorithm() {
            return "HmacSHA256";
        }

        @Override
        public String getFormat() {
            return "RAW";
        }

        @Override
        public byte[] getEncoded() {
            return bytes.clone();
        }

        @Override
        public void destroy() {
            Arrays.fill(bytes, (byte) 0);
        }

        @Override
        public boolean isDestroyed() {
            return false;
        }
    }
}
