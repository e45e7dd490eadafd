package com.zeroui.kms.bench;

import java.util.List;

/** The benchmark result as a Markdown table. */
public final class ReportTable {
    public static final String HEADER = "| operation | concurrency | ops/s | p50 ms | p99 ms | max ms | errors | raw ops/s "
            + "| service/raw | server CPU µs/op | server ops/s per core | per-core efficiency | spec budget | result |";
    private static final String RULE = "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|---|";

    private ReportTable() {
    }

    public static String render(List<BenchRow> rows) {
        return render(rows, Runtime.getRuntime().availableProcessors());
    }

    /** @param cores the cores the raw run could use, to turn its throughput into a per-core figure */
    public static String render(List<BenchRow> rows, int cores) {
        StringBuilder out = new StringBuilder(HEADER).append('\n').append(RULE).append('\n');
        for (BenchRow row : rows) {
            LoadRunner.Result s = row.service();
            out.append("| ").append(row.operation())
                    .append(" | ").append(s.threads())
                    .append(" | ").append(Format.rate(s.opsPerSecond()))
                    .append(" | ").append(Format.millis(s.latency().p50Millis()))
                    .append(" | ").append(Format.millis(s.latency().p99Millis()))
                    .append(" | ").append(Format.millis(s.latency().maxMillis()))
                    .append(" | ").append(s.errors() + (row.raw() == null ? 0 : row.raw().errors()))
                    .append(" | ").append(row.raw() == null ? "n/a" : Format.rate(row.raw().opsPerSecond()))
                    .append(" | ").append(Double.isNaN(row.ratio()) ? "n/a" : Format.ratio(row.ratio()))
                    .append(" | ").append(Double.isNaN(row.serverCpuMicrosPerOp()) ? "n/a" : Format.rate(row.serverCpuMicrosPerOp()))
                    .append(" | ").append(Double.isNaN(row.serverCpuMicrosPerOp()) ? "n/a" : Format.rate(1e6 / row.serverCpuMicrosPerOp()))
                    .append(" | ").append(Double.isNaN(row.perCoreEfficiency(cores)) ? "n/a" : Format.ratio(row.perCoreEfficiency(cores)))
                    .append(" | ").append(row.budget().describe())
                    .append(" | ").append(row.verdict())
                    .append(" |\n");
        }
        return out.toString();
    }
}
