package com.zeroui.kms.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.limits.DailyUsage;
import com.zeroui.kms.support.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The durable daily counter and the block reservation on top of it, on both engines. */
@ParameterizedClass(name = "{0}")
@EnumSource(StoreBackend.class)
class JdbcUsageCounterTest {
    private static StoreBackend.TempStore store;
    private static Database database;
    private static JdbcUsageCounter counter;

    @Parameter(0)
    StoreBackend backend;

    @BeforeParameterizedClassInvocation
    static void open(StoreBackend backend) {
        store = backend.create("usage_counter");
        database = store.open();
        counter = new JdbcUsageCounter(database);
    }

    @AfterParameterizedClassInvocation
    static void close() {
        StoreBackend.close(store, database);
    }

    private static String key() {
        return UUID.randomUUID().toString();
    }

    @Test
    void reservesUpToTheLimitAndNeverPastIt() {
        String key = key();
        assertThat(counter.reserve(key, 20_000, 4, 10)).isEqualTo(4);
        assertThat(counter.reserve(key, 20_000, 4, 10)).isEqualTo(8);
        assertThat(counter.reserve(key, 20_000, 4, 10)).isEqualTo(-1);
        assertThat(counter.reserved(key, 20_000)).isEqualTo(8);
        assertThat(counter.reserve(key, 20_000, 2, 10)).isEqualTo(10);
        assertThat(counter.reserve(key, 20_000, 1, 10)).isEqualTo(-1);
        // the next day starts from zero; a first reservation above the limit takes nothing
        assertThat(counter.reserve(key, 20_001, 11, 10)).isEqualTo(-1);
        assertThat(counter.reserve(key, 20_001, 1, 10)).isEqualTo(1);
    }

    @Test
    void concurrentReservationsNeverExceedTheLimit() throws Exception {
        String key = key();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        AtomicInteger granted = new AtomicInteger();
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            futures.add(pool.submit(() -> {
                if (counter.reserve(key, 20_000, 1, 150) > 0) {
                    granted.incrementAndGet();
                }
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        assertThat(granted.get()).isEqualTo(150);
        assertThat(counter.reserved(key, 20_000)).isEqualTo(150);
    }

    @Test
    void prunesOldDays() {
        String key = key();
        counter.reserve(key, 100, 1, 10);
        counter.reserve(key, 200, 1, 10);
        counter.pruneBefore(150);
        assertThat(counter.reserved(key, 100)).isZero();
        assertThat(counter.reserved(key, 200)).isEqualTo(1);
    }

    @Test
    void oneNodeReachesTheDailyLimitExactlyInBlocks() {
        MutableClock clock = new MutableClock(Instant.parse("2031-03-04T10:00:00Z"));
        DailyUsage usage = new DailyUsage(counter, clock);
        String key = key();
        int admitted = spendUntilRefused(usage, key, 1000, 2000);
        assertThat(admitted).isEqualTo(1000);
        long day = clock.instant().getEpochSecond() / 86_400;
        assertThat(counter.reserved(key, day)).isEqualTo(1000);
        // a new UTC day starts a new count
        clock.advance(Duration.ofHours(14));
        usage.spend(key, 1000);
        assertThat(counter.reserved(key, day + 1)).isEqualTo(10); // one block: 1% of the limit
    }

    @Test
    void twoNodesNeverPassTheLimitTogetherAndStrandAtMostOneBlock() {
        MutableClock clock = new MutableClock(Instant.parse("2031-03-04T10:00:00Z"));
        DailyUsage a = new DailyUsage(counter, clock);
        DailyUsage b = new DailyUsage(counter, clock);
        String key = key();
        int admitted = 0;
        boolean aOpen = true;
        boolean bOpen = true;
        for (int i = 0; i < 3000 && (aOpen || bOpen); i++) {
            DailyUsage node = i % 3 == 0 ? b : a; // uneven traffic
            try {
                node.spend(key, 1000);
                admitted++;
            } catch (KmsException e) {
                assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
                if (node == a) {
                    aOpen = false;
                } else {
                    bOpen = false;
                }
            }
        }
        assertThat(admitted).isBetween(1000 - 10, 1000);
    }

    @Test
    void aRefusalNamesTheLimitAndTheNextUtcMidnight() {
        MutableClock clock = new MutableClock(Instant.parse("2031-03-04T23:59:30Z"));
        DailyUsage usage = new DailyUsage(counter, clock);
        String key = key();
        usage.spend(key, 1);
        assertThatThrownBy(() -> usage.spend(key, 1)).isInstanceOfSatisfying(KmsException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
            assertThat(e.details()).containsEntry("limit", 1L).containsEntry("reset_at", "2031-03-05T00:00:00Z")
                    .containsEntry("retry_after_seconds", 30L).containsEntry("key_id", key);
        });
    }

    private static int spendUntilRefused(DailyUsage usage, String key, long limit, int attempts) {
        for (int i = 0; i < attempts; i++) {
            try {
                usage.spend(key, limit);
            } catch (KmsException e) {
                return i;
            }
        }
        return attempts;
    }
}
