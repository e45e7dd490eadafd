package com.zeroui.kms.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds SQLite's write-ahead log into the database file on a thread of its own. With SQLite's
 * automatic checkpoint (off on the pool's connections) the commit that crosses 1,000 WAL pages
 * copies them back and fsyncs the database file itself, inside some request's wait for its
 * receipt: tens of milliseconds on one commit in a few hundred, which is the request path's p99.
 * A PASSIVE checkpoint here never blocks writers or readers; committed data is durable in the WAL
 * before any checkpoint, so moving checkpoints changes latency, not durability.
 */
final class WalCheckpointer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WalCheckpointer.class);
    /** Applied to every pooled SQLite connection: checkpoints are this class's job. */
    static final String DISABLE_AUTOMATIC = "PRAGMA wal_autocheckpoint=0";
    static final Duration INTERVAL = Duration.ofMillis(250);

    private final DataSource dataSource;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kms-sqlite-checkpoint");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean warned;

    WalCheckpointer(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    WalCheckpointer start() {
        scheduler.scheduleWithFixedDelay(this::checkpoint, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** One PASSIVE checkpoint; a failure (store busy or gone) is left to the next round and to health. */
    void checkpoint() {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("PRAGMA wal_checkpoint(PASSIVE)");
            warned = false;
        } catch (SQLException | RuntimeException e) {
            if (!warned) {
                warned = true; // once per outage: the store's health check reports the outage itself
                LOG.warn("SQLite WAL checkpoint failed ({}); retrying every {} ms", e.getClass().getSimpleName(),
                        INTERVAL.toMillis());
            }
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
