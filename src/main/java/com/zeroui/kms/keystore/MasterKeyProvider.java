package com.zeroui.kms.keystore;

/**
 * The root of key protection: every stored private or secret key is wrapped by the master key and
 * only this interface can unwrap it. Implementations: a software key file, or a key inside a PKCS#11
 * token — callers see no difference.
 *
 * <p>A master key may have several versions (after a rotation): {@link #keyId()} names the version
 * {@link #wrap} uses now, {@link #keyIdOf} the version a blob was wrapped by, and {@link #unwrap}
 * finds that version by itself.
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

    /** The master-key version that wrapped {@code wrapped} (the blob names it, or the provider has one version). */
    default String keyIdOf(byte[] wrapped) {
        return keyId();
    }

    /** Every version this provider holds, current one included. */
    default java.util.List<String> versionIds() throws MasterKeyException {
        return java.util.List.of(keyId());
    }

    /** Creates a new version in the same provider and returns its id; it is used once it is made current. */
    default String createVersion() throws MasterKeyException {
        throw new MasterKeyException(description() + " cannot hold more than one master-key version", null);
    }

    /** Makes an existing version the one {@link #wrap} uses. */
    default void useVersion(String versionId) throws MasterKeyException {
        if (!keyId().equals(versionId)) {
            throw new MasterKeyException(description() + " has no master-key version " + versionId, null);
        }
    }

    /** Destroys a version for good; callers first make sure nothing is wrapped by it any more. */
    default void destroyVersion(String versionId) throws MasterKeyException {
        throw new MasterKeyException(description() + " cannot destroy master-key version " + versionId, null);
    }

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
