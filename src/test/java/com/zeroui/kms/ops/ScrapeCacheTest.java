package com.zeroui.kms.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ScrapeCacheTest {
    @Test
    void manyScrapesWithinTheMaxAgeCostOneQuery() {
        AtomicLong now = new AtomicLong();
        AtomicInteger queries = new AtomicInteger();
        ScrapeCache<Integer> cache = new ScrapeCache<>(queries::incrementAndGet, Duration.ofSeconds(30), now::get);
        for (int i = 0; i < 1000; i++) {
            assertThat(cache.get()).isEqualTo(1);
            now.addAndGet(Duration.ofMillis(20).toNanos());
        }
        assertThat(queries).hasValue(1);
        now.addAndGet(Duration.ofSeconds(11).toNanos()); // 31 s after the first query
        assertThat(cache.get()).isEqualTo(2);
        assertThat(queries).hasValue(2);
    }

    @Test
    void aFailedRefreshIsRetriedOnTheNextScrape() {
        AtomicInteger calls = new AtomicInteger();
        ScrapeCache<Integer> cache = new ScrapeCache<>(() -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("store down");
            }
            return 7;
        }, Duration.ofSeconds(30), () -> 0L);
        assertThatThrownBy(cache::get).hasMessage("store down");
        assertThat(cache.get()).isEqualTo(7);
    }
}
