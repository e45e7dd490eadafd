package com.zeroui.kms.bench;

/** The measured figures of one operation: the service run and, where one exists, the in-process run. */
public record BenchRow(String operation, Budget budget, LoadRunner.Result service, LoadRunner.Result raw) {
    /** Service throughput as a fraction of the raw primitive's at the same thread count; NaN without a raw run. */
    public double ratio() {
        return raw == null || raw.completed() == 0 ? Double.NaN : service.opsPerSecond() / raw.opsPerSecond();
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
