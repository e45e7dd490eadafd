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
 * Runs one operation in a closed loop on N threads: a warm-up, then a measured window. An
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
        long[] window = new long[2]; // written before go.countDown(), read after go.await(): happens-before

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
                long measureStart = window[0];
                long measureEnd = window[1];
                long done = 0;
                while (true) {
                    long start = System.nanoTime();
                    if (start >= measureEnd) {
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
                    if (end >= measureStart && end <= measureEnd) {
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
        long now = System.nanoTime();
        window[0] = now + warmup.toNanos();
        window[1] = window[0] + measure.toNanos();
        go.countDown();
        LoadRunner.WindowProbe self = LocalCpu.probe();
        sleepUntil(window[0]);
        double probeStart = probe.read();
        double selfStart = self.read(); // after the probe, which may itself cost this process a request
        sleepUntil(window[1]);
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
