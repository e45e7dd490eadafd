package com.zeroui.kms.keys;

import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts encryptions per key against the random-nonce bound (NIST SP 800-38D §8.3: at most 2^32
 * invocations with random 96-bit IVs per key). Counting is durable and safe across nodes: each node
 * reserves blocks of invocations in the database and spends them locally; a crash wastes at most
 * one unspent block, which only errs on the safe side.
 *
 * <p>Blocks are held for at most {@link #MAX_KEYS_WITH_BLOCKS} keys: with a million keys each
 * encrypting now and then, one block per key ever used would grow the heap without bound.
 * Evicting a key's block wastes its unspent invocations, which errs on the same safe side.
 */
public final class AeadInvocationBudget {
    public static final long NIST_RANDOM_NONCE_LIMIT = 1L << 32;
    private static final long BLOCK = 1024;

    private final KeyRepository repository;
    private final long limit;
    static final long MAX_KEYS_WITH_BLOCKS = 50_000;
    private final Map<String, Block> blocks = com.github.benmanes.caffeine.cache.Caffeine.newBuilder()
            .maximumSize(MAX_KEYS_WITH_BLOCKS).<String, Block>build().asMap();

    public AeadInvocationBudget(KeyRepository repository, long limit) {
        this.repository = repository;
        this.limit = limit;
    }

    public long limit() {
        return limit;
    }

    /** Spends one invocation for {@code keyId} or throws when the key has reached its limit. */
    void spend(String keyId) {
        Block block = blocks.computeIfAbsent(keyId, id -> new Block());
        if (block.tryTake()) {
            return;
        }
        synchronized (block) {
            if (block.tryTake()) {
                return;
            }
            long reservedTotal = repository.reserveAeadInvocations(keyId, BLOCK, limit);
            long size = BLOCK;
            if (reservedTotal < 0) {
                // near the end: take the remainder one at a time so the limit is reached exactly
                reservedTotal = repository.reserveAeadInvocations(keyId, 1, limit);
                size = 1;
            }
            if (reservedTotal < 0) {
                throw new KmsException(ErrorCode.KEY_INACTIVE, "key " + keyId + " has reached its encryption limit of "
                        + limit + " (random 96-bit nonces, NIST SP 800-38D); rotate the key and encrypt with the new one",
                        Map.of("key_id", keyId, "limit", limit, "reason", "aead_invocation_limit"));
            }
            block.refill(size - 1); // this call takes one of the new block
        }
    }

    private static final class Block {
        private final AtomicLong remaining = new AtomicLong();

        boolean tryTake() {
            return remaining.getAndUpdate(r -> r > 0 ? r - 1 : r) > 0;
        }

        void refill(long count) {
            remaining.set(count);
        }
    }
}
