package com.zeroui.kms.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zeroui.kms.crypto.KeyType;
import com.zeroui.kms.keys.AccessPolicy;
import com.zeroui.kms.keys.Environment;
import com.zeroui.kms.keys.KeyLifecycle;
import com.zeroui.kms.keys.KeyRecord;
import com.zeroui.kms.keys.KeyRepository;
import com.zeroui.kms.keys.KeyScope;
import com.zeroui.kms.keys.KeyState;
import com.zeroui.kms.keys.KeyUsage;
import com.zeroui.kms.keys.Plane;
import com.zeroui.kms.keys.RevocationReason;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The lifecycle's conditional updates on both engines: each move happens once, from the right state only. */
@ParameterizedClass(name = "{0}")
@EnumSource(StoreBackend.class)
class JdbcKeyLifecycleTest {
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    private static StoreBackend.TempStore store;
    private static Database database;
    private static JdbcKeyRepository keys;

    @Parameter(0)
    StoreBackend backend;

    @BeforeParameterizedClassInvocation
    static void open(StoreBackend backend) {
        store = backend.create("key_lifecycle");
        database = store.open();
        keys = new JdbcKeyRepository(database);
    }

    @AfterParameterizedClassInvocation
    static void close() {
        StoreBackend.close(store, database);
        database = null;
        store = null;
    }

    @Test
    void concurrentRotationsOfOneKeyLeaveExactlyOneSuccessor() throws Exception {
        String tenant = tenant();
        KeyRecord old = key(tenant, "signer", NOW);
        keys.insert(old);
        int racers = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        List<Future<Boolean>> results = new ArrayList<>();
        try {
            for (int i = 0; i < racers; i++) {
                KeyRecord successor = successor(old);
                Callable<Boolean> race = () -> {
                    start.await();
                    return keys.rotate(old.keyId(), NOW.plus(Duration.ofDays(7)), successor, List.of());
                };
                results.add(pool.submit(race));
            }
            start.countDown();
            int won = 0;
            for (Future<Boolean> f : results) {
                won += f.get() ? 1 : 0;
            }
            assertThat(won).isEqualTo(1);
        } finally {
            pool.shutdown();
        }
        List<KeyRecord> all = keys.list(new KeyRepository.KeyFilter(tenant, null, null, null, null, null, null), 100);
        assertThat(all).hasSize(2);
        KeyRecord rotated = keys.findById(old.keyId()).orElseThrow();
        assertThat(rotated.state()).isEqualTo(KeyState.PENDING_ROTATION);
        assertThat(rotated.alias()).isNull();
        assertThat(rotated.validUntil()).isEqualTo(NOW.plus(Duration.ofDays(7)));
        KeyRecord successor = keys.findById(rotated.lifecycle().successorKeyId()).orElseThrow();
        assertThat(successor.alias()).isEqualTo("signer");
        assertThat(successor.rotationCount()).isEqualTo(1);
        assertThat(successor.lifecycle().predecessorKeyId()).isEqualTo(old.keyId());
        assertThat(keys.findByAlias(tenant, Environment.DEV, "signer")).map(KeyRecord::keyId).contains(successor.keyId());
    }

    @Test
    void revocationHappensOnlyFromTheAllowedStates() {
        KeyRecord k = key(tenant(), null, NOW);
        keys.insert(k);
        Set<KeyState> from = EnumSet.of(KeyState.ACTIVE, KeyState.PENDING_ROTATION, KeyState.ARCHIVED);
        assertThat(keys.revoke(k.keyId(), from, NOW, RevocationReason.COMPROMISED, List.of())).isTrue();
        assertThat(keys.revoke(k.keyId(), from, NOW, RevocationReason.RETIRED, List.of())).as("already revoked").isFalse();
        KeyRecord revoked = keys.findById(k.keyId()).orElseThrow();
        assertThat(revoked.state()).isEqualTo(KeyState.REVOKED);
        assertThat(revoked.lifecycle().revokedAt()).isEqualTo(NOW);
        assertThat(revoked.lifecycle().revocationReason()).isEqualTo(RevocationReason.COMPROMISED);
    }

    @Test
    void aScheduledDestructionCanBeCancelledUntilItIsDueThenErasesTheMaterial() {
        KeyRecord k = key(tenant(), "doomed", NOW);
        keys.insert(k);
        Instant due = NOW.plus(Duration.ofDays(7));
        assertThat(keys.scheduleDestruction(k.keyId(), KeyState.ACTIVE, KeyState.ACTIVE, due)).isTrue();
        assertThat(keys.scheduleDestruction(k.keyId(), KeyState.ACTIVE, KeyState.ACTIVE, due)).isFalse();
        assertThat(keys.destroy(k.keyId(), due.minusMillis(1))).as("not due yet").isFalse();
        assertThat(keys.cancelDestruction(k.keyId(), NOW)).isTrue();
        KeyRecord back = keys.findById(k.keyId()).orElseThrow();
        assertThat(back.state()).isEqualTo(KeyState.ACTIVE);
        assertThat(back.lifecycle().destroyAfter()).isNull();

        assertThat(keys.scheduleDestruction(k.keyId(), KeyState.ACTIVE, KeyState.ACTIVE, due)).isTrue();
        assertThat(keys.cancelDestruction(k.keyId(), due)).as("the window has closed").isFalse();
        assertThat(keys.dueForDestruction(due, 1000)).extracting(KeyRecord::keyId).contains(k.keyId());
        assertThat(keys.destroy(k.keyId(), due)).isTrue();
        assertThat(keys.destroy(k.keyId(), due)).isFalse();
        KeyRecord tombstone = keys.findById(k.keyId()).orElseThrow();
        assertThat(tombstone.state()).isEqualTo(KeyState.DESTROYED);
        assertThat(tombstone.wrappedMaterial()).isEmpty();
        assertThat(tombstone.alias()).as("the alias is free again").isNull();
        assertThat(tombstone.lifecycle().destroyedAt()).isEqualTo(due);
    }

    @Test
    void gracePeriodsEndIntoArchiveAndOldKeysComeDueForRotation() {
        String tenant = tenant();
        KeyRecord old = key(tenant, null, NOW.minus(Duration.ofDays(100)));
        KeyRecord young = key(tenant, null, NOW.minus(Duration.ofDays(10)));
        KeyRecord ownPeriod = withRotationPeriod(key(tenant, null, NOW.minus(Duration.ofDays(10))), 5);
        keys.insert(old);
        keys.insert(young);
        keys.insert(ownPeriod);
        assertThat(keys.dueForRotation(NOW, 90, "@kms", 10_000)).extracting(KeyRecord::keyId)
                .contains(old.keyId(), ownPeriod.keyId()).doesNotContain(young.keyId());

        assertThat(keys.rotate(old.keyId(), NOW.plus(Duration.ofDays(7)), successor(old), List.of())).isTrue();
        assertThat(keys.archive(old.keyId(), NOW)).as("grace not over").isFalse();
        Instant later = NOW.plus(Duration.ofDays(7));
        assertThat(keys.dueForArchive(later, 10_000)).extracting(KeyRecord::keyId).contains(old.keyId());
        assertThat(keys.archive(old.keyId(), later)).isTrue();
        assertThat(keys.findById(old.keyId()).orElseThrow().state()).isEqualTo(KeyState.ARCHIVED);
    }

    private static KeyRecord key(String tenant, String alias, Instant created) {
        return new KeyRecord(UUID.randomUUID().toString(), new KeyScope(tenant, Environment.DEV, Plane.TENANT),
                KeyType.ED25519, EnumSet.of(KeyUsage.SIGN, KeyUsage.VERIFY), alias, KeyState.ACTIVE, created, created,
                null, 0, new AccessPolicy(List.of("M21"), false, 1000), "M21", new byte[] {1, 2},
                new byte[] {9, 9, 9}, "mk-1");
    }

    private static KeyRecord withRotationPeriod(KeyRecord k, int days) {
        return new KeyRecord(k.keyId(), k.scope(), k.type(), k.usage(), k.alias(), k.state(), k.createdAt(),
                k.validFrom(), null, 0, k.policy(), k.createdBy(), k.publicKeySpki(), k.wrappedMaterial(),
                k.masterKeyId(), KeyLifecycle.withRotationPeriod(days));
    }

    private static KeyRecord successor(KeyRecord old) {
        return new KeyRecord(UUID.randomUUID().toString(), old.scope(), old.type(), old.usage(), old.alias(),
                KeyState.ACTIVE, NOW, NOW, null, old.rotationCount() + 1, old.policy(), "M21", new byte[] {3},
                new byte[] {4}, "mk-1", KeyLifecycle.NEW.withPredecessor(old.keyId()));
    }

    private static String tenant() {
        return "t-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
