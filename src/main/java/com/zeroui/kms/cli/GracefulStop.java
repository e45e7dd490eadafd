package com.zeroui.kms.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;

/**
 * How {@code serve} ends. SIGTERM (what init systems and orchestrators send) writes one line, stops
 * the node gracefully (no new requests, in-flight ones answered, queued receipts written, storage
 * closed) and exits 0: a requested stop is not a failure. Without a handler the JVM would exit 143
 * and say nothing. Any other JVM shutdown (SIGINT, System.exit) still stops the node through a
 * shutdown hook. {@code sun.misc.Signal} (module jdk.unsupported) is the JDK's only way to handle a
 * signal.
 */
final class GracefulStop {
    private GracefulStop() {
    }

    /** Blocks until SIGTERM, then stops {@code node}; returns the exit status. */
    static int awaitSigterm(AutoCloseable node) throws InterruptedException {
        AtomicBoolean closed = new AtomicBoolean();
        Runnable close = () -> {
            if (closed.compareAndSet(false, true)) {
                try {
                    node.close();
                } catch (Exception e) {
                    System.err.println("kms: stopping failed: " + e);
                }
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(close, "kms-shutdown"));
        CountDownLatch terminate = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), signal -> terminate.countDown());
        terminate.await();
        System.out.println("kms: SIGTERM received: stopping gracefully (in-flight requests and queued receipts finish),"
                + " then exiting 0");
        close.run();
        return 0;
    }
}
