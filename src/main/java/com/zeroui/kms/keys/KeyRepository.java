package com.zeroui.kms.keys;

import com.zeroui.kms.crypto.KeyType;
import com.zeroui.kms.events.KmsEvent;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Durable key storage. Every method either completes durably or throws; nothing is half-written. */
public interface KeyRepository {

    /** Inserts a new key; throws {@link AliasTakenException} when the alias is in use in its tenant+environment. */
    default void insert(KeyRecord key) {
        insert(key, List.of());
    }

    /** Inserts a new key and, in the same transaction, the events that announce it. */
    void insert(KeyRecord key, List<KmsEvent> events);

    Optional<KeyRecord> findById(String keyId);

    Optional<KeyRecord> findByAlias(String tenantId, Environment environment, String alias);

    /** Keys matching the filter, ordered by key id, strictly after {@code filter.afterKeyId()}. */
    List<KeyRecord> list(KeyFilter filter, int limit);

    /**
     * Atomically raises the key's reserved AEAD invocation count by {@code count} if the result
     * stays within {@code limit}; returns the new reserved total, or -1 when the limit would be passed.
     */
    long reserveAeadInvocations(String keyId, long count, long limit);

    /** (key_type, key_state) → number of keys, for metrics. */
    Map<List<String>, Long> countByTypeAndState();

    record KeyFilter(String tenantId, Environment environment, Plane plane, KeyType keyType, KeyState keyState,
                     String alias, String afterKeyId) {
    }

    final class AliasTakenException extends RuntimeException {
        public AliasTakenException(String alias) {
            super("alias already in use: " + alias, null, false, false);
        }
    }
}
