package com.zeroui.kms.keys;

import com.zeroui.kms.audit.AuditRecord;
import com.zeroui.kms.audit.AuditTrail;
import com.zeroui.kms.audit.Audited;
import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.crypto.AeadAlgorithm;
import com.zeroui.kms.crypto.CiphertextBlob;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.crypto.KeyType;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.events.EventType;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Envelope encryption: data keys generated and sealed under a managed key (POST /datakeys), and
 * ciphertexts moved to another key without the plaintext leaving the service (POST /rewrap). Both
 * answer self-describing ciphertexts (docs/adr/0032).
 */
public final class EnvelopeService {
    /** Following successors stops here: a longer chain means the records are inconsistent. */
    private static final int MAX_SUCCESSOR_HOPS = 64;

    private final KeyResolver resolver;
    private final KeyRepository repository;
    private final KeyMaterialCache material;
    private final CryptoSuite crypto;
    private final AeadInvocationBudget budget;
    private final AuditTrail audit;
    private final EncryptionService encryption;

    public EnvelopeService(KeyRepository repository, KeyMaterialCache material, CryptoSuite crypto,
                           AeadInvocationBudget budget, AuditTrail audit, Clock clock, UsageLimiter limits,
                           EncryptionService encryption) {
        this.resolver = new KeyResolver(repository, material, clock, limits);
        this.repository = repository;
        this.material = material;
        this.crypto = crypto;
        this.budget = budget;
        this.audit = audit;
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
        AuditRecord record = audit.begin("data_key_generated", "generate_data_key", caller)
                .scope(scope.tenantId(), scope.environment().apiName(), scope.plane().apiName())
                .keyRef(ref.toString())
                .algorithm(AeadAlgorithm.AES_256_GCM.apiName())
                .param("key_spec", spec.apiName())
                .param("include_plaintext", includePlaintext)
                .secretLength("aad", aad.length);
        return audit.run(record, () -> {
            KeyRecord key = resolver.resolveForUse(caller, scope, ref, KeyUsage.ENCRYPT);
            record.key(key.keyId(), key.type().sizeBits());
            com.zeroui.kms.crypto.SecretBytes generated = crypto.generate(KeyType.AES_256).material(); // FIPS: the module's
            byte[] dataKey = generated.reveal();
            generated.destroy();
            try {
                CiphertextBlob blob = seal(key, dataKey, aad);
                announce(record, EventType.DATA_KEY_GENERATED, key, Map.of("key_spec", spec.apiName()));
                return new DataKey(key, spec, includePlaintext ? dataKey.clone() : null, blob);
            } finally {
                Arrays.fill(dataKey, (byte) 0);
            }
        });
    }

    /**
     * Opens {@code blobBytes} with the key it names and seals the plaintext under {@code destination}
     * (null: the newest successor of the source key, which must have been rotated), with
     * {@code destinationAad} (null: the same aad). Decrypt checks apply to the source key, encrypt
     * checks to the destination, usage limits to both.
     */
    public Audited<Rewrapped> rewrap(CallerIdentity caller, KeyScope scope, byte[] blobBytes, byte[] aad,
                                     KeyRef destination, byte[] destinationAad) {
        byte[] newAad = destinationAad == null ? aad : destinationAad;
        AuditRecord record = audit.begin("ciphertext_rewrapped", "rewrap", caller)
                .scope(scope.tenantId(), scope.environment().apiName(), scope.plane().apiName())
                .param("destination_key_id", destination == null ? null : destination.toString())
                .secretLength("ciphertext_blob", blobBytes.length).secretLength("aad", aad.length)
                .secretLength("destination_aad", newAad.length);
        return audit.run(record, () -> {
            KeyResolver.requireScope(caller, scope);
            CiphertextBlob blob = CiphertextBlob.decode(blobBytes)
                    .orElseThrow(() -> EncryptionService.decryptionFailed(null));
            record.param("source_key_id", blob.keyId());
            encryption.refuseUnserved(blob.algorithm());
            KeyRecord source = resolver.resolveForUse(caller, scope, new KeyRef(blob.keyId(), null), KeyUsage.DECRYPT);
            KeyRef target = destination != null ? destination : new KeyRef(newestSuccessor(source), null);
            byte[] plaintext = encryption.open(source, blob, aad);
            try {
                KeyRecord to = resolver.resolveForUse(caller, scope, target, KeyUsage.ENCRYPT);
                record.key(to.keyId(), to.type().sizeBits()).algorithm(AeadAlgorithm.AES_256_GCM.apiName());
                CiphertextBlob rewrapped = seal(to, plaintext, newAad);
                announce(record, EventType.CIPHERTEXT_REWRAPPED, to, Map.of("source_key_id", source.keyId()));
                return new Rewrapped(source, to, rewrapped);
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
    private CiphertextBlob seal(KeyRecord key, byte[] plaintext, byte[] aad) {
        LoadedKey loaded = material.load(key);
        budget.spend(key.keyId());
        CryptoSuite.Sealed sealed = loaded.seal(crypto, AeadAlgorithm.AES_256_GCM, plaintext, aad);
        return new CiphertextBlob(AeadAlgorithm.AES_256_GCM, key.keyId(), key.rotationCount(), sealed.nonce(),
                sealed.ciphertextAndTag());
    }

    private void announce(AuditRecord record, EventType type, KeyRecord key, Map<String, Object> extra) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("key_id", key.keyId());
        payload.put("operation_id", record.receiptId());
        payload.putAll(extra);
        audit.events().make(type, key.tenantId(), key.scope().environment().apiName(), key.scope().plane().apiName(),
                key.keyId(), payload).ifPresent(record::event);
    }
}
