package com.zeroui.kms.keys;

import static org.assertj.core.api.Assertions.assertThat;

import com.zeroui.kms.crypto.KeyType;
import com.zeroui.kms.store.Database;
import com.zeroui.kms.store.JdbcKeyRepository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two caches on one real store stand for two nodes: this node's writes are visible at once, another
 * node's after at most the cache's maximum age, unknown keys are never remembered as missing, and an
 * alias follows a rotation.
 */
class KeyRecordCacheTest {
    private static final Duration MAX_AGE = Duration.ofMillis(300);
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    private Path dir;
    private Database database;
    private KeyRecordCache nodeA;
    private KeyRecordCache nodeB;

    @BeforeEach
    void open() throws Exception {
        dir = Files.createTempDirectory("kms-key-cache-");
        database = Database.open("jdbc:sqlite:" + dir.resolve("kms.db"), null, null);
        JdbcKeyRepository store = new JdbcKeyRepository(database);
        nodeA = new KeyRecordCache(store, 100, MAX_AGE);
        nodeB = new KeyRecordCache(store, 100, MAX_AGE);
    }

    @AfterEach
    void close() throws Exception {
        database.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void aReadIsServedFromTheCacheUntilItsMaximumAge() throws InterruptedException {
        KeyRecord key = key(null);
        nodeA.insert(key);
        KeyRecord first = nodeB.findById(key.keyId()).orElseThrow();
        assertThat(nodeB.findById(key.keyId()).orElseThrow()).as("no second read of the store").isSameAs(first);
        Thread.sleep(MAX_AGE.toMillis() + 100);
        assertThat(nodeB.findById(key.keyId()).orElseThrow()).as("read again once too old").isNotSameAs(first);
    }

    @Test
    void aRevocationIsSeenAtOnceHereAndWithinTheMaximumAgeOnAnotherNode() throws InterruptedException {
        KeyRecord key = key(null);
        nodeA.insert(key);
        assertThat(nodeA.findById(key.keyId()).orElseThrow().state()).isEqualTo(KeyState.ACTIVE);
        assertThat(nodeB.findById(key.keyId()).orElseThrow().state()).isEqualTo(KeyState.ACTIVE);

        assertThat(nodeA.revoke(key.keyId(), Set.of(KeyState.ACTIVE), NOW, RevocationReason.COMPROMISED, List.of())).isTrue();
        assertThat(nodeA.findById(key.keyId()).orElseThrow().state()).as("the writing node").isEqualTo(KeyState.REVOKED);

        Thread.sleep(MAX_AGE.toMillis() + 100);
        assertThat(nodeB.findById(key.keyId()).orElseThrow().state()).as("another node").isEqualTo(KeyState.REVOKED);
    }

    @Test
    void aPolicyChangeIsSeenAtOnceHere() {
        KeyRecord key = key(null);
        nodeA.insert(key);
        nodeA.findById(key.keyId());
        assertThat(nodeA.updatePolicy(key.keyId(), Set.of(KeyState.ACTIVE), new AccessPolicy(List.of("M22"), false, 10)))
                .isTrue();
        assertThat(nodeA.findById(key.keyId()).orElseThrow().policy().allowedModules()).containsExactly("M22");
    }

    @Test
    void anUnknownKeyIsNotRememberedAsMissing() {
        KeyRecord key = key(null);
        assertThat(nodeB.findById(key.keyId())).isEmpty();
        nodeA.insert(key);
        assertThat(nodeB.findById(key.keyId())).as("created on another node: usable here at once").isPresent();
    }

    @Test
    void anAliasFollowsARotationAtOnceHereAndWithinTheMaximumAgeOnAnotherNode() throws InterruptedException {
        KeyRecord old = key("payments");
        nodeA.insert(old);
        assertThat(nodeA.findByAlias("acme", Environment.DEV, "payments").orElseThrow().keyId()).isEqualTo(old.keyId());
        assertThat(nodeB.findByAlias("acme", Environment.DEV, "payments").orElseThrow().keyId()).isEqualTo(old.keyId());

        KeyRecord successor = key("payments");
        assertThat(nodeA.rotate(old.keyId(), NOW.plus(Duration.ofDays(1)), successor, List.of())).isTrue();
        assertThat(nodeA.findByAlias("acme", Environment.DEV, "payments").orElseThrow().keyId())
                .isEqualTo(successor.keyId());

        Thread.sleep(MAX_AGE.toMillis() + 100);
        assertThat(nodeB.findByAlias("acme", Environment.DEV, "payments").orElseThrow().keyId())
                .isEqualTo(successor.keyId());
        assertThat(nodeB.findById(old.keyId()).orElseThrow().state()).isEqualTo(KeyState.PENDING_ROTATION);
    }

    private static KeyRecord key(String alias) {
        return new KeyRecord(UUID.randomUUID().toString(), new KeyScope("acme", Environment.DEV, Plane.TENANT),
                KeyType.ED25519, EnumSet.of(KeyUsage.SIGN, KeyUsage.VERIFY), alias, KeyState.ACTIVE, NOW, NOW, null, 0,
                new AccessPolicy(List.of("M21"), false, 1000), "M21", new byte[] {1}, new byte[] {2}, "mk");
    }
}
