package com.zeroui.kms.keys;

import com.zeroui.kms.audit.AuditRecord;
import com.zeroui.kms.crypto.AeadAlgorithm;
import com.zeroui.kms.crypto.AeadAuthenticationException;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.crypto.MacAlgorithm;
import com.zeroui.kms.crypto.SignatureAlgorithm;
import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import java.util.Map;

/**
 * A key that passed every check of {@link KeyOperations}, with the operations it can run. Its
 * material is loaded on first use (from the bounded cache) and never leaves this object; hsm keys
 * run in the token.
 */
public final class UsableKey {
    private final KeyRecord record;
    private final KeyMaterialCache material;
    private final CryptoSuite crypto;
    private final AuditRecord receipt;

    UsableKey(KeyRecord record, KeyMaterialCache material, CryptoSuite crypto, AuditRecord receipt) {
        this.record = record;
        this.material = material;
        this.crypto = crypto;
        this.receipt = receipt;
    }

    public KeyRecord record() {
        return record;
    }

    /** The operation's receipt, for parameters known only now (the algorithm chosen). */
    public AuditRecord receipt() {
        return receipt;
    }

    /** {@code requested}, or the key type's default; 400 when it belongs to another key type. */
    public SignatureAlgorithm signatureAlgorithm(SignatureAlgorithm requested) {
        SignatureAlgorithm chosen = requested == null ? SignatureAlgorithm.defaultFor(record.type()) : requested;
        requireType(chosen.keyType() == record.type(), chosen.apiName());
        return chosen;
    }

    public MacAlgorithm macAlgorithm(MacAlgorithm requested) {
        MacAlgorithm chosen = requested == null ? record.type().macAlgorithms().get(0) : requested;
        requireType(chosen.keyType() == record.type(), chosen.apiName());
        return chosen;
    }

    public AeadAlgorithm aeadAlgorithm(AeadAlgorithm chosen) {
        requireType(chosen.keyType() == record.type(), chosen.apiName());
        return chosen;
    }

    private void requireType(boolean matches, String algorithm) {
        if (!matches) {
            throw new KmsException(ErrorCode.INVALID_REQUEST, "algorithm " + algorithm + " does not match key "
                    + record.keyId() + " of type " + record.type(), Map.of("field", "algorithm", "key_id", record.keyId(),
                    "key_type", record.type().apiName()));
        }
    }

    public byte[] sign(SignatureAlgorithm algorithm, byte[] data) {
        return loaded().sign(crypto, algorithm, data);
    }

    public boolean verify(SignatureAlgorithm algorithm, byte[] data, byte[] signature) {
        return loaded().verify(crypto, algorithm, data, signature);
    }

    public byte[] mac(MacAlgorithm algorithm, byte[] data) {
        return loaded().mac(crypto, algorithm, data);
    }

    /** Constant-time comparison of the full-length tag. */
    public boolean verifyMac(MacAlgorithm algorithm, byte[] data, byte[] tag) {
        return loaded().verifyMac(crypto, algorithm, data, tag);
    }

    public CryptoSuite.Sealed seal(AeadAlgorithm algorithm, byte[] plaintext, byte[] aad) {
        return loaded().seal(crypto, algorithm, plaintext, aad);
    }

    public byte[] open(AeadAlgorithm algorithm, byte[] nonce, byte[] ciphertext, byte[] aad)
            throws AeadAuthenticationException {
        return loaded().open(crypto, algorithm, nonce, ciphertext, aad);
    }

    /**
     * HKDF-SHA256 (RFC 5869) with this key's secret as the input keying material; the secret is
     * erased here and never leaves. An hsm key's secret cannot be an input (400).
     */
    public byte[] hkdfSha256(byte[] salt, byte[] info, int length) {
        byte[] ikm = loaded().secretForDerivation();
        try {
            return crypto.derivation().hkdfSha256(ikm, salt, info, length);
        } finally {
            java.util.Arrays.fill(ikm, (byte) 0);
        }
    }

    private LoadedKey loaded() {
        return material.load(record);
    }

    @Override
    public String toString() {
        return "UsableKey[" + record.keyId() + "]";
    }
}
