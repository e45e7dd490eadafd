package com.zeroui.kms.bench;

import java.util.List;

/**
 * The second table of a run: what one request costs the server in CPU beside what the same
 * primitive costs in-process, against issue 12's per-request ceilings; and, last, what it cost
 * this bench process (its own CPU over the service window per request, the raw run's threads
 * idle then): the load generator shares the cores with the server, so this is what it takes
 * from it.
 */
public final class CpuTable {
    public static final String HEADER = "| operation | server CPU µs/op | idle server CPU ms/s | net server CPU µs/op "
            + "| raw CPU µs/op | net − raw µs | target (on net) | result | server JIT s in window | ops/s | p99 ms "
            + "| bench client CPU µs/op |";
    private static final String RULE = "|---|--:|--:|--:|--:|--:|---|---|--:|--:|--:|--:|";

    /** One row: the figures and the target; {@code jitSeconds} NaN when the server does not export it. */
    public record Row(BenchRow bench, CpuTarget target, double jitSeconds, double idleCpuPerSecond) {
        /**
         * Server CPU per request less the server's background CPU over the same window (measured
         * idle just before): what the requests themselves cost.
         */
        public double netServerMicros() {
            LoadRunner.Result s = bench.service();
            if (Double.isNaN(idleCpuPerSecond) || s.completed() == 0) {
                return bench.serverCpuMicrosPerOp();
            }
            return (s.probeDelta() - idleCpuPerSecond * s.seconds()) / s.completed() * 1e6;
        }

        /** The raw side's CPU per primitive call in µs, NaN without a raw run. */
        public double rawMicros() {
            return bench.raw() == null ? Double.NaN : bench.raw().probePerOperation() * 1e6;
        }
    }

    private CpuTable() {
    }

    public static String render(List<Row> rows) {
        StringBuilder out = new StringBuilder(HEADER).append('\n').append(RULE).append('\n');
        for (Row row : rows) {
            double gross = row.bench().serverCpuMicrosPerOp();
            double server = row.netServerMicros();
            double raw = row.rawMicros();
            out.append("| ").append(row.bench().operation())
                    .append(" | ").append(figure(gross))
                    .append(" | ").append(Double.isNaN(row.idleCpuPerSecond()) ? "n/a" : Format.millis(row.idleCpuPerSecond() * 1e3))
                    .append(" | ").append(figure(server))
                    .append(" | ").append(figure(raw))
                    .append(" | ").append(figure(server - raw))
                    .append(" | ").append(row.target().describe())
                    .append(" | ").append(row.target().verdict(server, raw))
                    .append(" | ").append(Double.isNaN(row.jitSeconds()) ? "n/a" : Format.millis(row.jitSeconds()))
                    .append(" | ").append(Format.rate(row.bench().service().opsPerSecond()))
                    .append(" | ").append(Format.millis(row.bench().service().latency().p99Millis()))
                    .append(" | ").append(figure(row.bench().service().localCpuPerOperation() * 1e6))
                    .append(" |\n");
        }
        return out.toString();
    }

    private static String figure(double micros) {
        return Double.isNaN(micros) ? "n/a" : Format.number(Math.round(micros * 10) / 10.0);
    }
}
