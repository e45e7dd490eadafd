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

    /** JIT compile seconds per second below which the server counts as warm: a twentieth of a core. */
    static final double SETTLED_JIT_PER_SECOND = 0.05;

    private final BenchClient client;
    private double gateJit = Double.NaN;
    private long gateAt;
    private double firstJit = Double.NaN;
    private double lastJit = Double.NaN;
    private int reads;

    public ServerCounters(BenchClient client) {
        this.client = client;
    }

    /** Process CPU seconds (NaN when /metrics cannot be read); also notes the JIT's seconds. */
    @Override
    public synchronized double read() {
        String metrics = scrape();
        if (metrics == null) {
            return Double.NaN;
        }
        double jit = value(JIT, metrics);
        if (reads++ == 0) {
            firstJit = jit;
        }
        lastJit = jit;
        return value(CPU, metrics);
    }

    /**
     * Whether the server's JIT has settled: it compiled for less than {@link #SETTLED_JIT_PER_SECOND}
     * of each second since the previous call (the first call only takes the reading). After the
     * bench's set-up (key creation, a reference signature) or a change of operation, compiled code
     * whose type profile no longer holds is recompiled; measuring while that runs charges the JIT
     * to the requests. True when the server does not export its compile time.
     */
    @Override
    public synchronized boolean settled() {
        String metrics = scrape();
        double jit = metrics == null ? Double.NaN : value(JIT, metrics);
        long now = System.nanoTime();
        if (Double.isNaN(jit)) {
            return true;
        }
        boolean settled = !Double.isNaN(gateJit) && (jit - gateJit) / ((now - gateAt) / 1e9) < SETTLED_JIT_PER_SECOND;
        gateJit = jit;
        gateAt = now;
        return settled;
    }

    private String scrape() {
        try {
            BenchClient.Reply reply = client.send(client.getRequest("/metrics"));
            return reply.ok() ? reply.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
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
