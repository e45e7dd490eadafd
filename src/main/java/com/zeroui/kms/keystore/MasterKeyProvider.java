package com.zeroui.kms.keystore;

/**
 * The root of key protection: every stored private or secret key is wrapped by the master key and
 * only this interface can unwrap it. Implementations: a software key file today, a PKCS#11 HSM
 * later — callers see no difference.
 *
 * <p>Guarantees: {@link #wrap} output is confidential and integrity-protected, and bound to the
 * associated data; {@link #unwrap} with any other associated data, another master key, or a
 * modified blob fails with {@link MasterKeyException} and never returns bytes.
 */
public interface MasterKeyProvider extends AutoCloseable {

    /** A stable, non-secret fingerprint of the master key, recorded in the database at first start. */
    String keyId();

    /** Human-readable kind, e.g. "software-file:/path" (never key bytes). */
    String description();

    byte[] wrap(byte[] plaintext, byte[] associatedData) throws MasterKeyException;

    byte[] unwrap(byte[] wrapped, byte[] associatedData) throws MasterKeyException;

    /** Wraps and unwraps a fixed value; throws when the key is unusable or unreachable. */
    default void selfTest() throws MasterKeyException {
        byte[] probe = "kms-master-key-self-test".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] aad = "self-test".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        if (!java.util.Arrays.equals(unwrap(wrap(probe, aad), aad), probe)) {
            throw new MasterKeyException("master key self-test round trip returned other bytes", null);
        }
    }

    @Override
    default void close() {
    }
}
