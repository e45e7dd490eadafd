package com.zeroui.kms.bench;

/** The measured figures of one operation: the service run and, where one exists, the in-process run. */
public record BenchRow(String operation, Budget budget, LoadRunner.Result service, LoadRunner.Result raw) {
    /** Service throughput as a fraction of the raw primitive's at the same thread count; NaN without a raw run. */
    public double ratio() {
        return raw == null || raw.completed() == 0 ? Double.NaN : service.opsPerSecond() / raw.opsPerSecond();
    }

    /** Server CPU microseconds per request over the measured window (NaN when /metrics was not readable). */
    public double serverCpuMicrosPerOp() {
        return service.probePerOperation() * 1e6;
    }

    /**
     * What one server core could sustain at that CPU cost, divided by what one core does with the
     * raw primitive: the share of a core's primitive throughput that survives the request path.
     */
    public double perCoreEfficiency(int cores) {
        double serverPerCore = 1e6 / serverCpuMicrosPerOp();
        return raw == null || raw.completed() == 0 ? Double.NaN : serverPerCore / (raw.opsPerSecond() / Math.min(cores, raw.threads()));
    }

    /** Errors make the row fail whatever the figures: a benchmark of failing requests measures nothing. */
    public String verdict() {
        long errors = service.errors() + (raw == null ? 0 : raw.errors());
        if (errors > 0) {
            return "FAIL (" + errors + " errors)";
        }
        return budget.verdict(service.opsPerSecond(), service.latency().p99Millis());
    }
}
