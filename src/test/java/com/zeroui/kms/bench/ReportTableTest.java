package com.zeroui.kms.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.zeroui.kms.stats.LatencyStats;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportTableTest {
    private static LoadRunner.Result result(int threads, long completed, long errors, LatencyStats latency) {
        return new LoadRunner.Result(threads, completed, errors, errors > 0 ? "IOException: boom" : null, 10.0, latency);
    }

    @Test
    void rendersServiceRawRatioAndVerdict() {
        BenchRow sign = new BenchRow("sign-eddsa", Budget.latencyAndThroughput(50, 1000),
                result(16, 25_000, 0, new LatencyStats(25_000, 4_250_000, 21_000_000, 80_500_000)),
                result(16, 100_000, 0, LatencyStats.EMPTY));
        String table = ReportTable.render(List.of(sign), 2);
        assertThat(table.lines().toList()).containsExactly(ReportTable.HEADER,
                "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|---|",
                "| sign-eddsa | 16 | 2500 | 4.25 | 21.0 | 80.5 | 0 | 10000 | 0.250 | n/a | n/a | n/a | p99 < 50 ms, >= 1000/s | pass |");
    }

    @Test
    void serverCpuPerOperationGivesPerCoreCapacityAndEfficiency() {
        // 25,000 requests cost the server 2.5 CPU seconds: 100 µs each, 10,000/s per core; the raw
        // primitive did 10,000/s on 2 cores, 5,000/s per core: efficiency 2.0
        LoadRunner.Result service = new LoadRunner.Result(16, 25_000, 0, null, 10.0,
                new LatencyStats(25_000, 4_250_000, 21_000_000, 80_500_000), 2.5);
        BenchRow row = new BenchRow("sign-eddsa", Budget.NONE, service, result(16, 100_000, 0, LatencyStats.EMPTY));
        assertThat(row.serverCpuMicrosPerOp()).isCloseTo(100.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(row.perCoreEfficiency(2)).isCloseTo(2.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(ReportTable.render(List.of(row), 2)).contains("| 0.250 | 100 | 10000 | 2.000 |");
    }

    @Test
    void rowWithoutRawRunShowsNotApplicable() {
        BenchRow get = new BenchRow("get-key", Budget.latency(20),
                result(16, 500, 0, new LatencyStats(500, 1_000_000, 30_000_000, 31_000_000)), null);
        assertThat(get.ratio()).isNaN();
        assertThat(ReportTable.render(List.of(get)))
                .contains("| get-key | 16 | 50.0 | 1.00 | 30.0 | 31.0 | 0 | n/a | n/a | n/a | n/a | n/a | p99 < 20 ms | FAIL (p99 30.0 ms) |");
    }

    @Test
    void anyErrorFailsTheRowWhateverTheFigures() {
        BenchRow row = new BenchRow("decrypt-aes-gcm", Budget.NONE,
                result(16, 5_000, 3, new LatencyStats(5_000, 1, 2, 3)), result(16, 9_000, 0, LatencyStats.EMPTY));
        assertThat(row.verdict()).isEqualTo("FAIL (3 errors)");
        assertThat(ReportTable.render(List.of(row))).contains("| 3 | 900 |");
    }
}
