package com.zeroui.kms.keys;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.zeroui.kms.events.KmsEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Key records for the request path without a database read per request (ADR 0028). A bounded
 * cache in front of the store whose entries live at most {@link #MAX_AGE}: a change another node
 * writes (state, policy, rotation, revocation, a re-wrap) is therefore seen here within that time,
 * whatever wrote it. A change written through this node evicts the key at once, after its commit;
 * a load racing with it finishes before the eviction (Caffeine computes a key atomically), so no
 * older copy outlives the write. Expiry and grace periods are still judged per request from the
 * record's instants ({@link KeyRecord#asOf}); usage quotas are not records and are not cached.
 * Unknown keys are not cached: a key created on another node is usable here at once.
 */
public final class KeyRecordCache implements KeyRepository {
    /** How stale another node's change can be here: well inside the one second the service promises. */
    public static final Duration MAX_AGE = Duration.ofMillis(500);

    private final KeyRepository store;
    private final Cache<String, KeyRecord> byId;
    /** (tenant, environment, alias) → key id, trusted only while the cached record still carries that alias. */
    private final Cache<AliasKey, String> aliases;

    private record AliasKey(String tenantId, Environment environment, String alias) {
    }

    public KeyRecordCache(KeyRepository store, long maximumSize) {
        this(store, maximumSize, MAX_AGE);
    }

    KeyRecordCache(KeyRepository store, long maximumSize, Duration maxAge) {
        this.store = store;
        this.byId = Caffeine.newBuilder().maximumSize(maximumSize).expireAfterWrite(maxAge).build();
        this.aliases = Caffeine.newBuilder().maximumSize(maximumSize).expireAfterWrite(maxAge).build();
    }

    @Override
    public Optional<KeyRecord> findById(String keyId) {
        return Optional.ofNullable(byId.get(keyId, id -> store.findById(id).orElse(null)));
    }

    @Override
    public Optional<KeyRecord> findByAlias(String tenantId, Environment environment, String alias) {
        AliasKey key = new AliasKey(tenantId, environment, alias);
        String keyId = aliases.getIfPresent(key);
        if (keyId != null) {
            Optional<KeyRecord> cached = findById(keyId);
            if (cached.isPresent() && alias.equals(cached.get().alias()) && cached.get().tenantId().equals(tenantId)
                    && cached.get().scope().environment() == environment) {
                return cached;
            }
        }
        Optional<KeyRecord> found = store.findByAlias(tenantId, environment, alias);
        found.ifPresentOrElse(k -> aliases.put(key, k.keyId()), () -> aliases.invalidate(key));
        return found;
    }

    // ---- writes: through to the store, then the key is evicted (also when the write threw: it may have committed)

    @Override
    public void insert(KeyRecord key, List<KmsEvent> events) {
        try {
            store.insert(key, events);
        } finally {
            evict(key.keyId());
        }
    }

    @Override
    public boolean rotate(String oldKeyId, Instant graceUntil, KeyRecord successor, List<KmsEvent> events) {
        try {
            return store.rotate(oldKeyId, graceUntil, successor, events);
        } finally {
            evict(oldKeyId);
            evict(successor.keyId());
        }
    }

    @Override
    public boolean revoke(String keyId, Set<KeyState> from, Instant at, RevocationReason reason, List<KmsEvent> events) {
        try {
            return store.revoke(keyId, from, at, reason, events);
        } finally {
            evict(keyId);
        }
    }

    @Override
    public boolean scheduleDestruction(String keyId, KeyState from, KeyState restoreTo, Instant destroyAfter) {
        try {
            return store.scheduleDestruction(keyId, from, restoreTo, destroyAfter);
        } finally {
            evict(keyId);
        }
    }

    @Override
    public boolean cancelDestruction(String keyId, Instant now) {
        try {
            return store.cancelDestruction(keyId, now);
        } finally {
            evict(keyId);
        }
    }

    @Override
    public boolean archive(String keyId, Instant now) {
        try {
            return store.archive(keyId, now);
        } finally {
            evict(keyId);
        }
    }

    @Override
    public boolean destroy(String keyId, Instant now) {
        try {
            return store.destroy(keyId, now);
        } finally {
            evict(keyId);
        }
    }

    @Override
    public boolean updatePolicy(String keyId, Set<KeyState> from, AccessPolicy policy) {
        try {
            return store.updatePolicy(keyId, from, policy);
        } finally {
            evict(keyId);
        }
    }

    /** Drops the record; its alias entries die with it (they are checked against the record). */
    public void evict(String keyId) {
        byId.invalidate(keyId);
    }

    // ---- pass-through: lists and counters are not cached

    @Override
    public List<KeyRecord> dueForArchive(Instant now, int limit) {
        return store.dueForArchive(now, limit);
    }

    @Override
    public List<KeyRecord> dueForDestruction(Instant now, int limit) {
        return store.dueForDestruction(now, limit);
    }

    @Override
    public List<KeyRecord> dueForRotation(Instant now, int defaultPeriodDays, String exceptCreatedBy, int limit) {
        return store.dueForRotation(now, defaultPeriodDays, exceptCreatedBy, limit);
    }

    @Override
    public List<KeyRecord> list(KeyFilter filter, int limit) {
        return store.list(filter, limit);
    }

    @Override
    public long reserveAeadInvocations(String keyId, long count, long limit) {
        return store.reserveAeadInvocations(keyId, count, limit);
    }

    @Override
    public Map<List<String>, Long> countByTypeAndState() {
        return store.countByTypeAndState();
    }
}
