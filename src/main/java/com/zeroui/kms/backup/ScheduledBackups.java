package com.zeroui.kms.backup;

import com.zeroui.kms.keystore.MasterKeyProvider;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's periodic backups: every interval a backup file {@code kms-backup-<UTC time>.kmsbak} in the
 * directory, then all but the newest {@code keep} such files are deleted. Runs on its own thread, so a
 * long backup delays nothing else; what it last achieved feeds the {@code backup} health check and
 * the backup metrics, and survives restarts through the files themselves.
 */
public final class ScheduledBackups implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ScheduledBackups.class);
    static final String PREFIX = "kms-backup-";
    static final String SUFFIX = ".kmsbak";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    /** A connection for one backup's read transaction; closed afterwards. */
    public interface Connections {
        Connection open() throws SQLException;
    }

    private final BackupSchedule schedule;
    private final BackupCreator creator;
    private final Connections connections;
    private final MasterKeyProvider masterKey;
    private final Clock clock;
    private final Instant startedAt;
    private final ScheduledExecutorService executor;
    private volatile Instant lastSuccess;
    private volatile long lastBytes;
    private volatile String lastFailure;

    public ScheduledBackups(BackupSchedule schedule, BackupCreator creator, Connections connections,
                            MasterKeyProvider masterKey, Clock clock) {
        this.schedule = schedule;
        this.creator = creator;
        this.connections = connections;
        this.masterKey = masterKey;
        this.clock = clock;
        this.startedAt = clock.instant();
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kms-backup");
            t.setDaemon(true);
            return t;
        });
        newest().ifPresent(this::remember);
    }

    /** Schedules the runs: the first one when the newest existing backup is an interval old (at once if none). */
    public ScheduledBackups start() {
        long every = schedule.interval().toMillis();
        Instant last = lastSuccess;
        long first = last == null ? 0 : Math.max(0, Duration.between(clock.instant(), last.plus(schedule.interval())).toMillis());
        executor.scheduleWithFixedDelay(this::runLogged, first, every, TimeUnit.MILLISECONDS);
        return this;
    }

    /** One backup now, then the pruning; throws what went wrong. */
    public synchronized Path runOnce() throws IOException, SQLException {
        try {
            Instant now = clock.instant();
            Path file = schedule.dir().resolve(PREFIX + STAMP.format(now) + SUFFIX);
            try (Connection c = connections.open()) {
                BackupFiles.create(creator, c, masterKey, null, file);
            }
            lastBytes = Files.size(file);
            lastSuccess = now;
            lastFailure = null;
            prune();
            return file;
        } catch (IOException | SQLException | RuntimeException e) {
            lastFailure = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw e;
        }
    }

    private void runLogged() {
        try {
            Path file = runOnce();
            LOG.info("backup written to {} ({} bytes)", file, lastBytes);
        } catch (IOException | SQLException | RuntimeException e) {
            LOG.warn("scheduled backup into {} failed: {}", schedule.dir(), e.getMessage());
        }
    }

    /** The health check: fails (a warning: it is not critical) when no backup is younger than two intervals. */
    public void check() {
        Instant now = clock.instant();
        Duration limit = schedule.interval().multipliedBy(2);
        Instant last = lastSuccess;
        String failure = lastFailure == null ? "" : "; last attempt failed: " + lastFailure;
        if (last == null) {
            if (Duration.between(startedAt, now).compareTo(limit) > 0) {
                throw new IllegalStateException("no backup in " + schedule.dir() + " since start-up "
                        + Duration.between(startedAt, now).toSeconds() + " s ago" + failure);
            }
            return;
        }
        Duration age = Duration.between(last, now);
        if (age.compareTo(limit) > 0) {
            throw new IllegalStateException("last backup " + age.toSeconds() + " s ago (at " + last + "), more than two "
                    + schedule.interval() + " intervals" + failure);
        }
    }

    /** Epoch seconds of the last successful backup, or NaN when there is none. */
    public double lastSuccessEpochSeconds() {
        Instant last = lastSuccess;
        return last == null ? Double.NaN : last.toEpochMilli() / 1000.0;
    }

    public long lastBytes() {
        return lastBytes;
    }

    private void prune() throws IOException {
        List<Path> files = backups();
        for (int i = schedule.keep(); i < files.size(); i++) {
            Files.deleteIfExists(files.get(i));
        }
    }

    /** This schedule's files, newest first (the names sort by time). */
    private List<Path> backups() throws IOException {
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(schedule.dir())) {
            return files;
        }
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(schedule.dir(), PREFIX + "*" + SUFFIX)) {
            dir.forEach(files::add);
        }
        files.sort(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed());
        return files;
    }

    private java.util.Optional<Path> newest() {
        try {
            return backups().stream().findFirst();
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    private void remember(Path file) {
        try {
            lastSuccess = BackupFiles.readHeader(file).createdAt();
            lastBytes = Files.size(file);
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot read the newest backup {}: {}", file, e.getMessage());
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
