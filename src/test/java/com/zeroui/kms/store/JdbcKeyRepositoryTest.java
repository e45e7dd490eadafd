package com.zeroui.kms.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zeroui.kms.crypto.KeyType;
import com.zeroui.kms.keys.AccessPolicy;
import com.zeroui.kms.keys.Environment;
import com.zeroui.kms.keys.KeyRecord;
import com.zeroui.kms.keys.KeyRepository;
import com.zeroui.kms.keys.KeyRepository.KeyFilter;
import com.zeroui.kms.keys.KeyScope;
import com.zeroui.kms.keys.KeyState;
import com.zeroui.kms.keys.KeyUsage;
import com.zeroui.kms.keys.Plane;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass(name = "{0}")
@EnumSource(StoreBackend.class)
class JdbcKeyRepositoryTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static StoreBackend.TempStore store;
    private static Database database;
    private static JdbcKeyRepository repository;

    @Parameter(0)
    StoreBackend backend;

    @BeforeParameterizedClassInvocation
    static void open(StoreBackend backend) {
        store = backend.create("key_repository");
        database = store.open();
        repository = new JdbcKeyRepository(database);
    }

    @AfterParameterizedClassInvocation
    static void close() {
        StoreBackend.close(store, database);
        database = null;
        store = null;
    }

    @Test
    void insertedKeysReadBackFieldForFieldWithExactBytes() {
        String tenant = newTenant();
        KeyRecord signing = new KeyRecord(UUID.randomUUID().toString(), new KeyScope(tenant, Environment.PROD, Plane.SHARED),
                KeyType.RSA_2048, java.util.EnumSet.of(KeyUsage.SIGN, KeyUsage.VERIFY), "signing-" + tenant,
                KeyState.PENDING_ROTATION, millis(Instant.now()), millis(Instant.now().minusSeconds(60)),
                millis(Instant.now().plus(Duration.ofDays(90))), 3,
                new AccessPolicy(List.of("M21", "M33", "kms-admin"), true, 42), "M21", everyByteValue(), randomBytes(300),
                "mk-1");
        KeyRecord secret = new KeyRecord(UUID.randomUUID().toString(), new KeyScope(tenant, Environment.DEV, Plane.LAPTOP),
                KeyType.AES_256, java.util.EnumSet.of(KeyUsage.ENCRYPT), null, KeyState.ACTIVE, millis(Instant.now()),
                millis(Instant.now()), null, 0, new AccessPolicy(List.of("M21"), false, 100_000), "M21", null,
                everyByteValue(), "mk-1");
        repository.insert(signing);
        repository.insert(secret);

        KeyRecord readSigning = repository.findById(signing.keyId()).orElseThrow();
        KeyRecord readSecret = repository.findById(secret.keyId()).orElseThrow();
        assertThat(readSigning).usingRecursiveComparison().isEqualTo(signing);
        assertThat(readSecret).usingRecursiveComparison().isEqualTo(secret);
        // spelled out: binary columns must neither re-encode nor truncate any byte value
        assertThat(readSigning.publicKeySpki()).isEqualTo(everyByteValue());
        assertThat(readSigning.wrappedMaterial()).isEqualTo(signing.wrappedMaterial());
        assertThat(readSecret.wrappedMaterial()).isEqualTo(everyByteValue());
        assertThat(readSecret.publicKeySpki()).isNull();
        assertThat(readSecret.validUntil()).isNull();
    }

    @Test
    void unknownIdIsEmpty() {
        assertThat(repository.findById(UUID.randomUUID().toString())).isEmpty();
    }

    @Test
    void aliasLookupIsScopedToTenantAndEnvironment() {
        String tenant = newTenant();
        String other = newTenant();
        String alias = "alias-" + tenant;
        KeyRecord dev = insert(tenant, Environment.DEV, Plane.TENANT, KeyType.ED25519, KeyState.ACTIVE, alias);
        KeyRecord prod = insert(tenant, Environment.PROD, Plane.TENANT, KeyType.ED25519, KeyState.ACTIVE, alias);
        KeyRecord otherTenant = insert(other, Environment.DEV, Plane.TENANT, KeyType.ED25519, KeyState.ACTIVE, alias);

        assertThat(repository.findByAlias(tenant, Environment.DEV, alias)).map(KeyRecord::keyId).contains(dev.keyId());
        assertThat(repository.findByAlias(tenant, Environment.PROD, alias)).map(KeyRecord::keyId).contains(prod.keyId());
        assertThat(repository.findByAlias(other, Environment.DEV, alias)).map(KeyRecord::keyId).contains(otherTenant.keyId());
        assertThat(repository.findByAlias(tenant, Environment.STAGING, alias)).isEmpty();
        assertThat(repository.findByAlias(tenant, Environment.DEV, alias + "-x")).isEmpty();
    }

    @Test
    void aliasIsUniqueWithinTenantAndEnvironment() {
        String tenant = newTenant();
        String alias = "taken-" + tenant;
        KeyRecord first = insert(tenant, Environment.DEV, Plane.TENANT, KeyType.ED25519, KeyState.ACTIVE, alias);
        KeyRecord second = record(tenant, Environment.DEV, Plane.PRODUCT, KeyType.AES_256, KeyState.ACTIVE, alias);

        assertThatThrownBy(() -> repository.insert(second)).isInstanceOf(KeyRepository.AliasTakenException.class)
                .hasMessageContaining(alias);
        assertThat(repository.findById(second.keyId())).isEmpty();
        assertThat(repository.findByAlias(tenant, Environment.DEV, alias)).map(KeyRecord::keyId).contains(first.keyId());
    }

    @Test
    void keysWithoutAliasNeverCollide() {
        String tenant = newTenant();
        List<KeyRecord> keys = Stream.generate(() -> insert(tenant, Environment.DEV, Plane.TENANT, KeyType.AES_256,
                KeyState.ACTIVE, null)).limit(3).toList();
        for (KeyRecord k : keys) {
            assertThat(repository.findById(k.keyId())).isPresent();
        }
        assertThat(ids(repository.list(tenantOnly(tenant), 10))).containsExactlyElementsOf(sortedIds(keys));
    }

    @Test
    void listAppliesEveryFilter() {
        String tenant = newTenant();
        String other = newTenant();
        String alias = "shared-" + tenant;
        KeyRecord k1 = insert(tenant, Environment.DEV, Plane.TENANT, KeyType.ED25519, KeyState.ACTIVE, alias);
        KeyRecord k2 = insert(tenant, Environment.DEV, Plane.TENANT, KeyType.AES_256, KeyState.ACTIVE, null);
        KeyRecord k3 = insert(tenant, Environment.PROD, Plane.TENANT, KeyType.RSA_2048, KeyState.ACTIVE, alias);
        KeyRecord k4 = insert(tenant, Environment.DEV, Plane.PRODUCT, KeyType.ED25519, KeyState.REVOKED, null);
        KeyRecord k5 = insert(tenant, Environment.STAGING, Plane.SHARED, KeyType.AES_256, KeyState.ARCHIVED, "k5-" + tenant);
        KeyRecord k6 = insert(other, Environment.DEV, Plane.TENANT, KeyType.ED25519, KeyState.ACTIVE, alias);

        assertThat(ids(repository.list(tenantOnly(tenant), 100))).containsExactlyElementsOf(sortedIds(List.of(k1, k2, k3, k4, k5)));
        assertList(new KeyFilter(tenant, Environment.DEV, null, null, null, null, null), k1, k2, k4);
        assertList(new KeyFilter(tenant, null, Plane.PRODUCT, null, null, null, null), k4);
        assertList(new KeyFilter(tenant, null, null, KeyType.ED25519, null, null, null), k1, k4);
        assertList(new KeyFilter(tenant, null, null, null, KeyState.REVOKED, null, null), k4);
        assertList(new KeyFilter(tenant, null, null, null, KeyState.ARCHIVED, null, null), k5);
        assertList(new KeyFilter(tenant, null, null, null, null, alias, null), k1, k3);
        assertList(new KeyFilter(null, null, null, null, null, alias, null), k1, k3, k6);
        assertList(new KeyFilter(tenant, Environment.DEV, Plane.TENANT, KeyType.ED25519, KeyState.ACTIVE, alias, null), k1);
        assertList(new KeyFilter(tenant, Environment.PROD, null, KeyType.AES_256, null, null, null));

        List<String> all = sortedIds(List.of(k1, k2, k3, k4, k5));
        assertThat(ids(repository.list(new KeyFilter(tenant, null, null, null, null, null, all.get(1)), 100)))
                .containsExactlyElementsOf(all.subList(2, all.size()));
        assertThat(ids(repository.list(new KeyFilter(tenant, null, null, null, null, null, all.get(4)), 100))).isEmpty();
    }

    @Test
    void cursorAndLimitPageThroughEveryKeyOnceInKeyIdOrder() {
        String tenant = newTenant();
        List<KeyRecord> keys = Stream.generate(() -> insert(tenant, Environment.DEV, Plane.TENANT, KeyType.ED25519,
                KeyState.ACTIVE, null)).limit(7).toList();

        assertThat(repository.list(tenantOnly(tenant), 3)).hasSize(3);
        List<String> seen = new ArrayList<>();
        String after = null;
        while (true) {
            List<KeyRecord> page = repository.list(new KeyFilter(tenant, null, null, null, null, null, after), 3);
            assertThat(page.size()).isLessThanOrEqualTo(3);
            if (page.isEmpty()) {
                break;
            }
            page.forEach(k -> seen.add(k.keyId()));
            after = page.get(page.size() - 1).keyId();
        }
        assertThat(seen).containsExactlyElementsOf(sortedIds(keys));
    }

    @Test
    void reservationsStopExactlyAtTheLimit() {
        String keyId = insert(newTenant(), Environment.DEV, Plane.TENANT, KeyType.AES_256, KeyState.ACTIVE, null).keyId();

        assertThat(repository.reserveAeadInvocations(keyId, 40, 100)).isEqualTo(40);
        assertThat(repository.reserveAeadInvocations(keyId, 61, 100)).isEqualTo(-1);
        assertThat(repository.reserveAeadInvocations(keyId, 60, 100)).isEqualTo(100);
        assertThat(repository.reserveAeadInvocations(keyId, 1, 100)).isEqualTo(-1);
        assertThat(reserved(keyId)).isEqualTo(100);
        assertThat(repository.reserveAeadInvocations(UUID.randomUUID().toString(), 1, 100)).isEqualTo(-1);
    }

    @Test
    void concurrentReservationsNeverPassTheLimitAndEachGetsItsOwnBlock() throws Exception {
        String keyId = insert(newTenant(), Environment.DEV, Plane.TENANT, KeyType.AES_256, KeyState.ACTIVE, null).keyId();
        int threads = 12;
        int attemptsPerThread = 15;
        long block = 10;
        long limit = 1_000; // 180 attempts for room for 100 blocks: many must be refused
        ConcurrentLinkedQueue<Long> granted = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < attemptsPerThread; i++) {
                        long total = repository.reserveAeadInvocations(keyId, block, limit);
                        if (total != -1) {
                            granted.add(total);
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        // Every grant saw a distinct running total: 10, 20, ... 1000, and nothing past the limit.
        assertThat(granted.stream().sorted().toList())
                .containsExactlyElementsOf(LongStream.rangeClosed(1, limit / block).map(i -> i * block).boxed().toList());
        assertThat(reserved(keyId)).isEqualTo(limit);
    }

    @Test
    void countsKeysByTypeAndState() {
        Map<List<String>, Long> before = repository.countByTypeAndState();
        String tenant = newTenant();
        insert(tenant, Environment.DEV, Plane.TENANT, KeyType.ED25519, KeyState.ACTIVE, null);
        insert(tenant, Environment.PROD, Plane.SHARED, KeyType.ED25519, KeyState.ACTIVE, null);
        insert(tenant, Environment.DEV, Plane.TENANT, KeyType.AES_256, KeyState.REVOKED, null);

        Map<List<String>, Long> after = repository.countByTypeAndState();
        Map<List<String>, Long> delta = new HashMap<>();
        after.forEach((k, v) -> {
            long d = v - before.getOrDefault(k, 0L);
            if (d != 0) {
                delta.put(k, d);
            }
        });
        assertThat(delta).containsOnly(
                Map.entry(List.of("Ed25519", "active"), 2L),
                Map.entry(List.of("AES-256", "revoked"), 1L));
    }

    // ---- helpers ----------------------------------------------------------------------------

    private static void assertList(KeyFilter filter, KeyRecord... expected) {
        assertThat(ids(repository.list(filter, 100))).as("%s", filter).containsExactlyElementsOf(sortedIds(List.of(expected)));
    }

    private static KeyFilter tenantOnly(String tenant) {
        return new KeyFilter(tenant, null, null, null, null, null, null);
    }

    private static KeyRecord insert(String tenant, Environment env, Plane plane, KeyType type, KeyState state, String alias) {
        KeyRecord k = record(tenant, env, plane, type, state, alias);
        repository.insert(k);
        return k;
    }

    private static KeyRecord record(String tenant, Environment env, Plane plane, KeyType type, KeyState state, String alias) {
        Instant now = millis(Instant.now());
        return new KeyRecord(UUID.randomUUID().toString(), new KeyScope(tenant, env, plane), type, KeyUsage.permittedFor(type),
                alias, state, now, now, null, 0, new AccessPolicy(List.of("M21"), false, 1000), "M21",
                type.isAsymmetric() ? randomBytes(44) : null, randomBytes(60), "mk-1");
    }

    private static long reserved(String keyId) {
        try (Connection c = database.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT aead_invocations_reserved FROM kms_keys WHERE key_id = ?")) {
            ps.setString(1, keyId);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> ids(List<KeyRecord> keys) {
        return keys.stream().map(KeyRecord::keyId).toList();
    }

    private static List<String> sortedIds(List<KeyRecord> keys) {
        return keys.stream().map(KeyRecord::keyId).sorted().toList();
    }

    private static String newTenant() {
        return "tenant-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Instant millis(Instant t) {
        return t.truncatedTo(ChronoUnit.MILLIS);
    }

    static byte[] everyByteValue() {
        byte[] b = new byte[256];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
