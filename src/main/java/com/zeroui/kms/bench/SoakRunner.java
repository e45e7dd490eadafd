package com.zeroui.kms.bench;

import com.zeroui.kms.stats.LatencyStats;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Endurance run: N closed-loop clients cycle through a mix of operations for a long time while,
 * every interval, one line reports the clients' throughput and latency next to the server's own
 * resource figures; at the end each resource series gets a {@link Drift} verdict. The operator's
 * 72-hour run is the same command with a longer duration.
 */
public final class SoakRunner {
    /** The table's header; one row per interval follows it. */
    public static final String HEADER = "| elapsed s | ops/s | refused/s | errors | p50 ms | p99 ms | RSS MiB | heap after GC MiB"
            + " | open fds | threads | audit log receipts | outbox depth | server CPU % | key cache hit % |";
    private static final String SEPARATOR = "|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|";
    /** The resource series the drift check watches, in report order. */
    public static final List<String> WATCHED = List.of("RSS", "heap after GC", "open fds", "threads");

    /** What a run saw: per-interval series of the watched resources and the verdicts. */
    public record Outcome(long completed, long refused, long errors, String firstError, List<Drift.Assessment> drift) {
        public boolean drifted() {
            return drift.stream().anyMatch(a -> a.verdict() == Drift.Verdict.DRIFT);
        }
    }

    private final List<Supplier<LoadRunner.Operation>> mix;
    private final int clients;
    private final Supplier<ServerGauges> gauges;
    private final PrintStream out;

    /**
     * @param mix     operations the clients cycle through (each client starts at a different one)
     * @param gauges  reads the server's figures once per interval ({@link ServerGauges#UNAVAILABLE} on failure)
     */
    public SoakRunner(List<Supplier<LoadRunner.Operation>> mix, int clients, Supplier<ServerGauges> gauges, PrintStream out) {
        if (mix.isEmpty() || clients < 1) {
            throw new IllegalArgumentException("a soak needs at least one operation and one client");
        }
        this.mix = List.copyOf(mix);
        this.clients = clients;
        this.gauges = gauges;
        this.out = out;
    }

    public Outcome run(Duration duration, Duration interval, double driftThreshold) throws InterruptedException {
        if (interval.isZero() || interval.isNegative() || duration.compareTo(interval) < 0) {
            throw new IllegalArgumentException("the interval must be positive and not longer than the duration");
        }
        List<IntervalRecorder> recorders = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        // the first scrape before the clock starts: on a saturated server it can take seconds
        ServerGauges previous = gauges.get();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        AtomicReference<String> firstError = new AtomicReference<>();
        for (int c = 0; c < clients; c++) {
            List<LoadRunner.Operation> ops = new ArrayList<>();
            mix.forEach(m -> ops.add(m.get()));
            IntervalRecorder recorder = new IntervalRecorder();
            recorders.add(recorder);
            int offset = c;
            Thread worker = new Thread(() -> {
                for (long i = offset; System.nanoTime() < end; i++) {
                    long t0 = System.nanoTime();
                    try {
                        ops.get((int) (i % ops.size())).run();
                        recorder.ok(System.nanoTime() - t0);
                    } catch (InterruptedException e) {
                        return;
                    } catch (BenchClient.RefusedException e) {
                        recorder.refused();
                    } catch (Exception | AssertionError e) {
                        recorder.error();
                        firstError.compareAndSet(null, e.getClass().getSimpleName() + ": " + e.getMessage());
                    }
                }
            }, "soak-client-" + c);
            worker.setDaemon(true);
            workers.add(worker);
        }

        out.println(HEADER);
        out.println(SEPARATOR);
        out.flush();
        workers.forEach(Thread::start);
        List<List<Double>> series = new ArrayList<>();
        WATCHED.forEach(w -> series.add(new ArrayList<>()));
        long completed = 0;
        long errors = 0;
        long refused = 0;
        long previousAt = start;
        int intervals = (int) Math.max(1, duration.toNanos() / interval.toNanos());
        for (int n = 1; n <= intervals; n++) {
            sleepUntil(start + n * interval.toNanos());
            long now = System.nanoTime();
            long[] samples = IntervalRecorder.drainAll(recorders);
            long intervalErrors = recorders.stream().mapToLong(IntervalRecorder::drainErrors).sum();
            long intervalRefused = recorders.stream().mapToLong(IntervalRecorder::drainRefused).sum();
            refused += intervalRefused;
            ServerGauges g = gauges.get();
            double seconds = (now - previousAt) / 1e9;
            LatencyStats latency = LatencyStats.ofUnsorted(samples);
            completed += samples.length;
            errors += intervalErrors;
            double cpuPercent = delta(g.cpuSeconds(), previous.cpuSeconds()) / seconds * 100;
            double hits = delta(g.keyCacheHits(), previous.keyCacheHits());
            double lookups = hits + delta(g.keyCacheMisses(), previous.keyCacheMisses());
            out.println(String.format(Locale.ROOT, "| %d | %s | %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |",
                    Math.round((now - start) / 1e9), Format.rate(samples.length / seconds),
                    Format.rate(intervalRefused / seconds), intervalErrors,
                    latency.count() == 0 ? "-" : Format.millis(latency.p50Millis()),
                    latency.count() == 0 ? "-" : Format.millis(latency.p99Millis()),
                    mebibytes(g.rssBytes()), mebibytes(g.heapAfterGcBytes()), whole(g.openFds()), whole(g.threads()),
                    whole(g.auditLogSize()), whole(g.outboxDepth()),
                    Double.isNaN(cpuPercent) ? "-" : String.format(Locale.ROOT, "%.0f", cpuPercent),
                    Double.isNaN(lookups) || lookups == 0 ? "-" : String.format(Locale.ROOT, "%.1f", 100 * hits / lookups)));
            out.flush();
            series.get(0).add(value(g.rssBytes()) / (1024 * 1024));
            series.get(1).add(value(g.heapAfterGcBytes()) / (1024 * 1024));
            series.get(2).add(value(g.openFds()));
            series.get(3).add(value(g.threads()));
            previous = g;
            previousAt = now;
        }
        for (Thread worker : workers) {
            worker.join(Duration.ofSeconds(60).toMillis()); // a request in flight finishes within the client timeout
        }
        int warmup = Math.max(1, intervals / 10);
        List<Drift.Assessment> verdicts = new ArrayList<>();
        out.println();
        out.println(String.format(Locale.ROOT, "- completed %d operations (p50/p99 are over these), %d refused with a"
                + " retryable 429/503, %d errors%s", completed, refused, errors,
                firstError.get() == null ? "" : "; first error: " + firstError.get()));
        out.println(String.format(Locale.ROOT, "- drift check (first %d interval(s) left out as warm-up; drift = quarter"
                + " medians never fall, the last exceeds the first by more than %.0f%% and the second by more than %.0f%%):",
                warmup, driftThreshold * 100, driftThreshold * 50));
        for (int i = 0; i < WATCHED.size(); i++) {
            Drift.Assessment a = Drift.assess(series.get(i), warmup, driftThreshold);
            verdicts.add(a);
            out.println("  - " + a.describe(WATCHED.get(i)));
        }
        out.flush();
        return new Outcome(completed, refused, errors, firstError.get(), verdicts);
    }

    private static double value(OptionalDouble v) {
        return v.isPresent() ? v.getAsDouble() : Double.NaN;
    }

    private static double delta(OptionalDouble now, OptionalDouble before) {
        return now.isPresent() && before.isPresent() ? now.getAsDouble() - before.getAsDouble() : Double.NaN;
    }

    private static String mebibytes(OptionalDouble bytes) {
        return bytes.isPresent() ? String.format(Locale.ROOT, "%.0f", bytes.getAsDouble() / (1024 * 1024)) : "-";
    }

    private static String whole(OptionalDouble v) {
        return v.isPresent() ? String.format(Locale.ROOT, "%.0f", v.getAsDouble()) : "-";
    }

    private static void sleepUntil(long deadline) throws InterruptedException {
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            Thread.sleep(Math.max(1, left / 1_000_000));
        }
    }

    /** One client's latencies and errors since the last drain; the client and the reporter share it under its lock. */
    static final class IntervalRecorder {
        private LatencySamples samples = new LatencySamples();
        private long errors;
        private long refused;

        synchronized void refused() {
            refused++;
        }

        synchronized long drainRefused() {
            long taken = refused;
            refused = 0;
            return taken;
        }

        synchronized void ok(long nanos) {
            samples.add(nanos);
        }

        synchronized void error() {
            errors++;
        }

        synchronized LatencySamples drain() {
            LatencySamples taken = samples;
            samples = new LatencySamples();
            return taken;
        }

        synchronized long drainErrors() {
            long taken = errors;
            errors = 0;
            return taken;
        }

        static long[] drainAll(List<IntervalRecorder> recorders) {
            List<LatencySamples> parts = new ArrayList<>();
            recorders.forEach(r -> parts.add(r.drain()));
            return LatencySamples.merge(parts);
        }
    }
}
