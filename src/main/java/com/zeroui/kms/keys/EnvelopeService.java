package com.zeroui.kms.keys;

import com.zeroui.kms.audit.Audited;
import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.crypto.AeadAlgorithm;
import com.zeroui.kms.crypto.CiphertextBlob;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.crypto.KeyType;
import com.zeroui.kms.crypto.SecretBytes;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.events.EventType;
import com.zeroui.kms.keys.KeyOperations.Operation;
import com.zeroui.kms.keys.KeyOperations.Outcome;
import com.zeroui.kms.keys.KeyOperations.Target;
import com.zeroui.kms.keys.KeyOperations.Transfer;
import java.util.Arrays;
import java.util.Optional;

/**
 * Envelope encryption: data keys generated and sealed under a managed key (POST /datakeys), and
 * ciphertexts moved to another key without the plaintext leaving the service (POST /rewrap). Both
 * answer self-describing ciphertexts (docs/adr/0032) and run on the operation template.
 */
public final class EnvelopeService {
    static final Operation DATA_KEY = new Operation("data_key_generated", "generate_data_key", KeyUsage.ENCRYPT,
            EventType.DATA_KEY_GENERATED);
    /** The destination's operation: the rewrapped ciphertext is made with it; the source only decrypts. */
    static final Operation REWRAP = new Operation("ciphertext_rewrapped", "rewrap", KeyUsage.ENCRYPT,
            EventType.CIPHERTEXT_REWRAPPED);
    /** Following successors stops here: a longer chain means the records are inconsistent. */
    private static final int MAX_SUCCESSOR_HOPS = 64;

    private final KeyOperations operations;
    private final KeyRepository repository;
    private final CryptoSuite crypto;
    private final AeadInvocationBudget budget;
    private final EncryptionService encryption;

    public EnvelopeService(KeyOperations operations, KeyRepository repository, CryptoSuite crypto,
                           AeadInvocationBudget budget, EncryptionService encryption) {
        this.operations = operations;
        this.repository = repository;
        this.crypto = crypto;
        this.budget = budget;
        this.encryption = encryption;
    }

    /** The data key specs: AES-256 only. */
    public enum DataKeySpec {
        AES_256;

        public String apiName() {
            return "AES-256";
        }
    }

    /** {@code plaintext} is null unless it was asked for; the caller erases it after use. */
    public record DataKey(KeyRecord key, DataKeySpec spec, byte[] plaintext, CiphertextBlob blob) {
    }

    public record Rewrapped(KeyRecord source, KeyRecord destination, CiphertextBlob blob) {
    }

    public Audited<DataKey> generateDataKey(CallerIdentity caller, KeyScope scope, KeyRef ref, DataKeySpec spec,
                                            boolean includePlaintext, byte[] aad) {
        return operations.run(DATA_KEY, new Target(caller, scope, ref),
                r -> r.algorithm(AeadAlgorithm.AES_256_GCM.apiName()).param("key_spec", spec.apiName())
                        .param("include_plaintext", includePlaintext).secretLength("aad", aad.length),
                key -> {
                    SecretBytes generated = crypto.generate(KeyType.AES_256).material(); // FIPS: the module's
                    byte[] dataKey = generated.reveal();
                    generated.destroy();
                    try {
                        CiphertextBlob blob = seal(key, dataKey, aad);
                        return Outcome.of(new DataKey(key.record(), spec, includePlaintext ? dataKey.clone() : null, blob),
                                "key_spec", spec.apiName());
                    } finally {
                        Arrays.fill(dataKey, (byte) 0);
                    }
                });
    }

    /**
     * Opens {@code blobBytes} with the key it names and seals the plaintext under {@code destination}
     * (null: the newest successor of the source key, which must have been rotated), with
     * {@code destinationAad} (null: the same aad). Two keys, so the template's two-key form: the
     * source gets every decrypt check, the destination every encrypt check (usage limits on both),
     * and nothing is opened until both passed. A nested single-key run for the source was the other
     * shape; it would write two receipts for one request, or need the plaintext carried out of one
     * run into another.
     */
    public Audited<Rewrapped> rewrap(CallerIdentity caller, KeyScope scope, byte[] blobBytes, byte[] aad,
                                     KeyRef destination, byte[] destinationAad) {
        byte[] newAad = destinationAad == null ? aad : destinationAad;
        Optional<CiphertextBlob> decoded = CiphertextBlob.decode(blobBytes); // parsing only: refused inside the receipt
        Transfer transfer = new Transfer(Target.located(caller, scope, () -> encryption.blobKey(caller, scope, decoded)),
                KeyUsage.DECRYPT, source -> destination != null ? destination : new KeyRef(newestSuccessor(source), null));
        return operations.run(REWRAP, transfer,
                r -> r.param("destination_key_id", destination == null ? null : destination.toString())
                        .secretLength("ciphertext_blob", blobBytes.length).secretLength("aad", aad.length)
                        .secretLength("destination_aad", newAad.length),
                (source, to) -> {
                    byte[] plaintext = encryption.open(source, decoded.orElseThrow(), aad);
                    try {
                        to.receipt().algorithm(AeadAlgorithm.AES_256_GCM.apiName());
                        return Outcome.of(new Rewrapped(source.record(), to.record(), seal(to, plaintext, newAad)));
                    } finally {
                        Arrays.fill(plaintext, (byte) 0);
                    }
                });
    }

    private String newestSuccessor(KeyRecord source) {
        String next = source.lifecycle().successorKeyId();
        if (next == null) {
            throw KmsException.invalid("destination_key_id", "destination_key_id is required: key " + source.keyId()
                    + " has not been rotated, so it has no successor to rewrap to");
        }
        for (int hop = 0; hop < MAX_SUCCESSOR_HOPS; hop++) {
            String after = repository.findById(next).map(k -> k.lifecycle().successorKeyId()).orElse(null);
            if (after == null) {
                return next;
            }
            next = after;
        }
        return next;
    }

    /** AES-256-GCM under a fresh nonce, counted against the key's invocation budget. */
    private CiphertextBlob seal(UsableKey key, byte[] plaintext, byte[] aad) {
        AeadAlgorithm algorithm = key.aeadAlgorithm(AeadAlgorithm.AES_256_GCM);
        budget.spend(key.record().keyId());
        CryptoSuite.Sealed sealed = key.seal(algorithm, plaintext, aad);
        return new CiphertextBlob(algorithm, key.record().keyId(), key.record().rotationCount(), sealed.nonce(),
                sealed.ciphertextAndTag());
    }
}
