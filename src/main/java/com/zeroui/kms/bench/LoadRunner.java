package com.zeroui.kms.bench;

import com.zeroui.kms.stats.LatencyStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Runs one operation in a closed loop on N threads: a warm-up (extended, up to its own length
 * again, while the probe says the server has not {@linkplain WindowProbe#settled settled}), then
 * a measured window. An
 * operation counts when it completes inside the window (completion-time accounting, so
 * operations in flight at either edge neither inflate nor deflate the rate in steady state).
 * Failures are counted in both phases and the first one is kept for the report.
 */
public final class LoadRunner {
    /** One request or primitive call; throwing means the operation failed. */
    @FunctionalInterface
    public interface Operation {
        void run() throws Exception;
    }

    /**
     * A counter read at the start and end of the measured window (e.g. the server's CPU seconds);
     * returns NaN when it cannot be read.
     */
    @FunctionalInterface
    public interface WindowProbe {
        double read();

        /**
         * Asked once a second after the warm-up: false while whatever the probe watches is still
         * warming (the server's JIT compiling, say), which extends the warm-up by up to its own
         * length again. The default never extends it.
         */
        default boolean settled() {
            return true;
        }

        WindowProbe NONE = () -> Double.NaN;
    }

    /**
     * {@code probeDelta} is the probe's increase over the measured window, NaN without a probe;
     * {@code localCpuSeconds} is this process's own CPU over the same window (the load
     * generator's cost, for the service side), NaN where the JVM does not tell.
     */
    public record Result(int threads, long completed, long errors, String firstError, double seconds,
                         LatencyStats latency, double probeDelta, double localCpuSeconds) {
        public Result(int threads, long completed, long errors, String firstError, double seconds, LatencyStats latency) {
            this(threads, completed, errors, firstError, seconds, latency, Double.NaN);
        }

        public Result(int threads, long completed, long errors, String firstError, double seconds, LatencyStats latency,
                      double probeDelta) {
            this(threads, completed, errors, firstError, seconds, latency, probeDelta, Double.NaN);
        }

        /** This process's CPU per completed operation, in seconds: what the client side of a request costs. */
        public double localCpuPerOperation() {
            return completed == 0 ? Double.NaN : localCpuSeconds / completed;
        }

        public double opsPerSecond() {
            return completed / seconds;
        }

        /** Probe increase per completed operation (server CPU seconds per request, for instance). */
        public double probePerOperation() {
            return completed == 0 ? Double.NaN : probeDelta / completed;
        }
    }

    private LoadRunner() {
    }

    /**
     * @param perThread called once per thread before the clock starts, so per-thread state
     *                  (buffers, keys) is not part of the measurement
     * @param recordLatency false for primitives too fast for per-call bookkeeping to stay negligible
     */
    public static Result run(String name, int threads, Duration warmup, Duration measure, boolean recordLatency,
                             Supplier<Operation> perThread) throws InterruptedException {
        return run(name, threads, warmup, measure, recordLatency, perThread, WindowProbe.NONE);
    }

    public static Result run(String name, int threads, Duration warmup, Duration measure, boolean recordLatency,
                             Supplier<Operation> perThread, WindowProbe probe) throws InterruptedException {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
        if (measure.isZero() || measure.isNegative() || warmup.isNegative()) {
            throw new IllegalArgumentException("the measured window must be positive and the warm-up not negative");
        }
        List<Operation> operations = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            operations.add(perThread.get());
        }
        List<LatencySamples> samples = new ArrayList<>();
        AtomicLong completed = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicReference<Throwable> firstError = new AtomicReference<>();
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        Window window = new Window();

        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Operation operation = operations.get(i);
            LatencySamples mine = new LatencySamples();
            samples.add(mine);
            Thread worker = new Thread(() -> {
                ready.countDown();
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                long done = 0;
                while (true) {
                    long start = System.nanoTime();
                    if (start >= window.end) {
                        break;
                    }
                    try {
                        operation.run();
                    } catch (Exception | AssertionError e) {
                        errors.incrementAndGet();
                        firstError.compareAndSet(null, e);
                        continue;
                    }
                    long end = System.nanoTime();
                    if (end >= window.start && end <= window.end) {
                        done++;
                        if (recordLatency) {
                            mine.add(end - start);
                        }
                    }
                }
                completed.addAndGet(done);
            }, "bench-" + name + "-" + i);
            worker.setDaemon(true);
            workers.add(worker);
            worker.start();
        }
        ready.await();
        long warmupEnd = System.nanoTime() + warmup.toNanos();
        go.countDown();
        if (warmup.compareTo(Duration.ofSeconds(2)) >= 0) {
            sleepUntil(warmupEnd - 1_000_000_000L);
            probe.settled(); // the first reading: the check at the warm-up's end covers its last second
        }
        sleepUntil(warmupEnd);
        if (!warmup.isZero()) {
            long limit = warmupEnd + warmup.toNanos();
            boolean settled;
            while (!(settled = probe.settled()) && System.nanoTime() < limit) {
                sleepUntil(Math.min(limit, System.nanoTime() + 1_000_000_000L));
            }
            long extra = System.nanoTime() - warmupEnd;
            if (extra >= 1_000_000_000L) {
                System.err.printf(java.util.Locale.ROOT, "kms bench: %s: warm-up extended by %.0f s%s%n", name, extra / 1e9,
                        settled ? " until the server's JIT settled" : "; the server's JIT had not settled, measuring anyway");
            }
        }
        long measureStart = System.nanoTime();
        window.end = measureStart + measure.toNanos(); // before start: a worker that sees the start sees the end
        window.start = measureStart;
        LoadRunner.WindowProbe self = LocalCpu.probe();
        double probeStart = probe.read();
        double selfStart = self.read(); // after the probe, which may itself cost this process a request
        sleepUntil(window.end);
        double selfEnd = self.read();
        double probeDelta = probe.read() - probeStart;
        for (Thread worker : workers) {
            worker.join();
        }
        LatencyStats latency = recordLatency ? LatencyStats.ofUnsorted(LatencySamples.merge(samples)) : LatencyStats.EMPTY;
        Throwable error = firstError.get();
        return new Result(threads, completed.get(), errors.get(), error == null ? null : describe(error),
                measure.toNanos() / 1e9, latency, probeDelta, selfEnd - selfStart);
    }

    /** The measured window as the workers see it: nothing counts and nothing stops until the warm-up ends. */
    private static final class Window {
        volatile long start = Long.MAX_VALUE;
        volatile long end = Long.MAX_VALUE;
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long remaining;
        while ((remaining = nanoTime - System.nanoTime()) > 0) {
            Thread.sleep(remaining / 1_000_000, (int) (remaining % 1_000_000));
        }
    }

    private static String describe(Throwable error) {
        String message = error.getMessage();
        return error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
