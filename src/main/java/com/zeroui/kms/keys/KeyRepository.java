package com.zeroui.kms.keys;

import com.zeroui.kms.crypto.KeyType;
import com.zeroui.kms.events.KmsEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Durable key storage. Every method either completes durably or throws; nothing is half-written. */
public interface KeyRepository {

    /** Inserts a new key; throws {@link AliasTakenException} when the alias is in use in its tenant+environment. */
    default void insert(KeyRecord key) {
        insert(key, List.of());
    }

    /** Inserts a new key and, in the same transaction, the events that announce it. */
    void insert(KeyRecord key, List<KmsEvent> events);

    /**
     * Rotation, in one transaction: the old key — only if still active — goes to pending_rotation
     * until {@code graceUntil}, gives its alias up and names its successor; the successor is inserted
     * (taking the alias); the events are committed with it. False when the old key was no longer
     * active: another node or request rotated it first, and nothing was written.
     */
    boolean rotate(String oldKeyId, Instant graceUntil, KeyRecord successor, List<KmsEvent> events);

    /** Revokes the key if its state is one of {@code from}; the events commit with it. */
    boolean revoke(String keyId, Set<KeyState> from, Instant at, RevocationReason reason, List<KmsEvent> events);

    /**
     * pending_destruction until {@code destroyAfter}, only if the stored state is still {@code from};
     * {@code restoreTo} is what a cancellation returns it to.
     */
    boolean scheduleDestruction(String keyId, KeyState from, KeyState restoreTo, Instant destroyAfter);

    /** Back to the state before the destruction was scheduled, if the window has not closed at {@code now}. */
    boolean cancelDestruction(String keyId, Instant now);

    /** pending_rotation → archived once its grace period ended at {@code now}. */
    boolean archive(String keyId, Instant now);

    /** pending_destruction → destroyed once due: the wrapped material is erased, the row stays as a tombstone. */
    boolean destroy(String keyId, Instant now);

    /** Replaces the access policy if the key's state is one of {@code from}. */
    boolean updatePolicy(String keyId, Set<KeyState> from, AccessPolicy policy);

    List<KeyRecord> dueForArchive(Instant now, int limit);

    List<KeyRecord> dueForDestruction(Instant now, int limit);

    /** Active keys older than their rotation period (their own, else {@code defaultPeriodDays}), except one creator's. */
    List<KeyRecord> dueForRotation(Instant now, int defaultPeriodDays, String exceptCreatedBy, int limit);

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
