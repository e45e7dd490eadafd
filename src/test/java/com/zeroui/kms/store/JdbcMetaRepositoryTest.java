package com.zeroui.kms.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zeroui.kms.crypto.KeyType;
import com.zeroui.kms.keys.AccessPolicy;
import com.zeroui.kms.keys.Environment;
import com.zeroui.kms.keys.KeyRecord;
import com.zeroui.kms.keys.KeyScope;
import com.zeroui.kms.keys.KeyState;
import com.zeroui.kms.keys.KeyUsage;
import com.zeroui.kms.keys.Plane;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass(name = "{0}")
@EnumSource(StoreBackend.class)
class JdbcMetaRepositoryTest {
    private static StoreBackend.TempStore store;
    private static Database database;
    private static JdbcMetaRepository meta;

    @Parameter(0)
    StoreBackend backend;

    @BeforeParameterizedClassInvocation
    static void open(StoreBackend backend) {
        store = backend.create("meta_repository");
        database = store.open();
        meta = new JdbcMetaRepository(database);
    }

    @AfterParameterizedClassInvocation
    static void close() {
        StoreBackend.close(store, database);
        database = null;
        store = null;
    }

    @Test
    void firstWriterWins() {
        String name = "binding-" + UUID.randomUUID();
        assertThat(meta.get(name)).isEmpty();
        assertThat(meta.putIfAbsent(name, "first")).isEqualTo("first");
        assertThat(meta.putIfAbsent(name, "second")).isEqualTo("first");
        assertThat(meta.get(name)).contains("first");
    }

    @Test
    void racingWritersAllSeeTheOneValueThatWasStored() throws Exception {
        String name = "race-" + UUID.randomUUID();
        int writers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<String> answers = new ArrayList<>();
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<String>> futures = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                String value = "writer-" + i;
                futures.add(pool.submit(() -> {
                    start.await();
                    return meta.putIfAbsent(name, value);
                }));
            }
            start.countDown();
            for (Future<String> f : futures) {
                answers.add(f.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        String stored = meta.get(name).orElseThrow();
        assertThat(stored).startsWith("writer-");
        assertThat(answers).containsOnly(stored);
    }

    @Test
    void countsStoredKeys() {
        long before = meta.countKeys();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        new JdbcKeyRepository(database).insert(new KeyRecord(UUID.randomUUID().toString(),
                new KeyScope("tenant-a", Environment.DEV, Plane.TENANT), KeyType.AES_256,
                KeyUsage.permittedFor(KeyType.AES_256), null, KeyState.ACTIVE, now, now, null, 0,
                new AccessPolicy(List.of("M21"), false, 1), "M21", null, new byte[] {1, 2, 3}, "mk-1"));
        assertThat(meta.countKeys()).isEqualTo(before + 1);
    }
}
