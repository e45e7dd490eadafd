package com.zeroui.kms.bench;

import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server's CPU seconds from its /metrics, read at the edges of a measured window, and beside
 * them its JIT compile time: process CPU includes the compiler, so the compile seconds spent inside
 * the window say whether the figure is JIT-warm (near zero) or still falling.
 */
public final class ServerCounters implements LoadRunner.WindowProbe {
    private static final Pattern CPU = Pattern.compile("(?m)^process_cpu_seconds_total ([0-9.eE+-]+)$");
    private static final Pattern JIT = Pattern.compile("(?m)^jvm_compilation_time_seconds_total ([0-9.eE+-]+)$");

    private final BenchClient client;
    private double firstJit = Double.NaN;
    private double lastJit = Double.NaN;
    private int reads;

    public ServerCounters(BenchClient client) {
        this.client = client;
    }

    /** Process CPU seconds (NaN when /metrics cannot be read); also notes the JIT's seconds. */
    @Override
    public synchronized double read() {
        try {
            BenchClient.Reply reply = client.send(client.getRequest("/metrics"));
            if (!reply.ok()) {
                return Double.NaN;
            }
            double jit = value(JIT, reply.body());
            if (reads++ == 0) {
                firstJit = jit;
            }
            lastJit = jit;
            return value(CPU, reply.body());
        } catch (IOException e) {
            return Double.NaN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        }
    }

    /**
     * The server's CPU seconds per second while this client sends nothing: its background work
     * (health checks, tree heads, schedulers). Subtracted from a window's CPU it leaves what the
     * requests cost, which matters when a loaded machine lets few requests through. NaN when unreadable.
     */
    public double idleCpuPerSecond(java.time.Duration window) throws InterruptedException {
        double start = read();
        long began = System.nanoTime();
        Thread.sleep(window.toMillis());
        double end = read();
        return (end - start) / ((System.nanoTime() - began) / 1e9);
    }

    /** JIT compile seconds between the first and the last read; NaN when the server does not export it. */
    public synchronized double jitSeconds() {
        return lastJit - firstJit;
    }

    private static double value(Pattern pattern, String metrics) {
        Matcher m = pattern.matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }
}
