package com.zeroui.kms.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The soak loop with synthetic operations and a synthetic server whose RSS leaks: every column, refusals apart, drift found. */
class SoakRunnerTest {
    @Test
    void printsEveryColumnEachIntervalCountsRefusalsApartAndFlagsALeak() throws InterruptedException {
        AtomicLong scrapes = new AtomicLong();
        AtomicInteger calls = new AtomicInteger();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        SoakRunner soak = new SoakRunner(List.of(
                () -> () -> Thread.sleep(1),
                () -> () -> {
                    if (calls.incrementAndGet() % 10 == 0) {
                        throw new BenchClient.RefusedException("POST /sign refused with 503");
                    }
                }), 2, () -> {
                    long n = scrapes.incrementAndGet();
                    return ServerGauges.parse(leakingServer(n));
                }, out);

        SoakRunner.Outcome outcome = soak.run(Duration.ofSeconds(10), Duration.ofSeconds(1), 0.10);

        String report = bytes.toString(StandardCharsets.UTF_8);
        List<String> rows = report.lines().filter(l -> l.matches("\\| \\d+ \\|.*")).toList();
        assertThat(report).contains(SoakRunner.HEADER);
        assertThat(rows).hasSize(10);
        int columns = SoakRunner.HEADER.split("\\|", -1).length;
        for (String row : rows) {
            String[] cells = row.split("\\|", -1);
            assertThat(cells).as(row).hasSize(columns);
            for (int i = 1; i < cells.length - 1; i++) {
                assertThat(cells[i].trim()).as("column %d of %s", i, row).isNotEmpty().isNotEqualTo("-");
            }
        }
        assertThat(outcome.completed()).isPositive();
        assertThat(outcome.refused()).isPositive();
        assertThat(outcome.errors()).isZero();
        assertThat(outcome.drift()).extracting(Drift.Assessment::verdict)
                .containsExactly(Drift.Verdict.DRIFT, Drift.Verdict.STABLE, Drift.Verdict.STABLE, Drift.Verdict.STABLE);
        assertThat(outcome.drifted()).isTrue();
        assertThat(report).contains("RSS: DRIFT").contains("open fds: STABLE");
    }

    /** A scrape whose RSS grows 10 MiB per interval while everything else holds. */
    private static String leakingServer(long n) {
        return "process_resident_memory_bytes " + (300L + 10 * n) * 1024 * 1024 + "\n"
                + "kms_jvm_heap_after_gc_bytes " + 50L * 1024 * 1024 + "\n"
                + "process_open_fds 40\n"
                + "jvm_threads_current 42\n"
                + "kms_audit_log_size " + 1000 * n + "\n"
                + "kms_event_sink_depth{sink=\"nats\"} 3\n"
                + "process_cpu_seconds_total " + n + ".0\n"
                + "kms_key_cache_requests_total{result=\"hit\"} " + 90 * n + "\n"
                + "kms_key_cache_requests_total{result=\"miss\"} " + 10 * n + "\n";
    }
}
