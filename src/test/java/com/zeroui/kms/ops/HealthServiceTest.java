package com.zeroui.kms.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** Health calls read cached results; each check refreshes on its own schedule (issue 11 §5). */
class HealthServiceTest {
    static HealthService.NamedCheck counting(String name, boolean critical, AtomicInteger runs, AtomicBoolean failing) {
        return new HealthService.NamedCheck(name, critical, () -> {
            runs.incrementAndGet();
            if (failing.get()) {
                throw new IllegalStateException(name + " is down");
            }
        });
    }

    static void waitUntil(BooleanSupplier condition, String what) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(10);
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as("waiting for " + what).isBefore(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void aCallDoesNotRunTheChecks() throws InterruptedException {
        AtomicInteger runs = new AtomicInteger();
        try (HealthService health = new HealthService(List.of(counting("storage", true, runs, new AtomicBoolean())),
                Map.of(), Duration.ofHours(1)).start()) {
            waitUntil(() -> runs.get() >= 1, "the first run");
            for (int i = 0; i < 10_000; i++) {
                assertThat(health.check().status()).isEqualTo("healthy");
            }
            assertThat(runs.get()).as("runs for 10,000 calls").isLessThanOrEqualTo(2);
        }
    }

    @Test
    void eachCheckRefreshesOnItsOwnScheduleAndAHungOneIsReportedNotWaitedFor() throws InterruptedException {
        AtomicInteger storageRuns = new AtomicInteger();
        AtomicBoolean storageDown = new AtomicBoolean();
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean hang = new AtomicBoolean();
        HealthService.NamedCheck sink = new HealthService.NamedCheck("receipt_sink:webhook", false, () -> {
            if (hang.get()) {
                release.await();
            }
        });
        try (HealthService health = new HealthService(List.of(counting("storage", true, storageRuns, storageDown), sink),
                Map.of("master_key_id", "mk"), Duration.ofMillis(50), Duration.ofMillis(500)).start()) {
            assertThat(health.check().status()).isEqualTo("healthy");
            hang.set(true);
            storageDown.set(true);
            waitUntil(() -> "unhealthy".equals(health.check().status()), "the storage failure to show");
            HealthService.Report report = health.check();
            assertThat(report.checks()).first().satisfies(r -> {
                assertThat(r.status()).isEqualTo("fail");
                assertThat(r.detail()).isEqualTo("storage is down");
            });
            waitUntil(() -> "warn".equals(health.check().checks().get(1).status()), "the hung sink to be reported");
            assertThat(health.check().checks().get(1).detail()).startsWith("no answer for");
            storageDown.set(false);
            int before = storageRuns.get();
            waitUntil(() -> storageRuns.get() > before + 2, "storage to keep running while the sink hangs");
            assertThat(health.check().status()).isEqualTo("degraded");
            assertThat(report.info()).containsEntry("master_key_id", "mk");
        } finally {
            release.countDown();
        }
    }

    @Test
    void withoutStartAResultIsRefreshedOnceItIsOlderThanTheMaximumAge() throws InterruptedException {
        AtomicInteger runs = new AtomicInteger();
        AtomicBoolean down = new AtomicBoolean();
        HealthService health = new HealthService(List.of(counting("storage", true, runs, down)), Map.of(),
                Duration.ofMillis(100));
        assertThat(health.check().status()).isEqualTo("healthy");
        down.set(true);
        for (int i = 0; i < 1_000 && runs.get() == 1; i++) {
            health.check();
        }
        waitUntil(() -> "unhealthy".equals(health.check().status()), "the cached result to expire");
        assertThat(runs.get()).isLessThan(10);
    }
}
