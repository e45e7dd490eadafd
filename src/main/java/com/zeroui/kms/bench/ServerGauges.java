package com.zeroui.kms.bench;

import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Figures read from a Prometheus text scrape of the server's {@code /metrics}: what the soak
 * watches (the server's RSS, heap after GC, descriptors, threads, audit log, outbox), taken from
 * the server itself so the load generator can run anywhere.
 */
public record ServerGauges(OptionalDouble rssBytes, OptionalDouble heapAfterGcBytes, OptionalDouble openFds,
                           OptionalDouble threads, OptionalDouble auditLogSize, OptionalDouble outboxDepth,
                           OptionalDouble cpuSeconds, OptionalDouble keyCacheHits, OptionalDouble keyCacheMisses) {
    public static final ServerGauges UNAVAILABLE = parse("");

    /** Parses one scrape; a metric that is absent stays empty, a metric with labels is summed over them. */
    public static ServerGauges parse(String scrape) {
        return new ServerGauges(sum(scrape, "process_resident_memory_bytes"), sum(scrape, "kms_jvm_heap_after_gc_bytes"),
                sum(scrape, "process_open_fds"), sum(scrape, "jvm_threads_current"), sum(scrape, "kms_audit_log_size"),
                sum(scrape, "kms_event_sink_depth"), sum(scrape, "process_cpu_seconds_total"),
                labelled(scrape, "kms_key_cache_requests_total", "result", "hit"),
                labelled(scrape, "kms_key_cache_requests_total", "result", "miss"));
    }

    static OptionalDouble sum(String scrape, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{[^}]*})? ([0-9.eE+-]+|NaN)$").matcher(scrape);
        double total = 0;
        boolean found = false;
        while (m.find()) {
            double value = Double.parseDouble(m.group(1));
            if (!Double.isNaN(value)) {
                total += value;
                found = true;
            }
        }
        return found ? OptionalDouble.of(total) : OptionalDouble.empty();
    }

    static OptionalDouble labelled(String scrape, String name, String label, String value) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{[^}]*" + Pattern.quote(label + "=\"" + value + "\"")
                + "[^}]*} ([0-9.eE+-]+)$").matcher(scrape);
        return m.find() ? OptionalDouble.of(Double.parseDouble(m.group(1))) : OptionalDouble.empty();
    }
}
