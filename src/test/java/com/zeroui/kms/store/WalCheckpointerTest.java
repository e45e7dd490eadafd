package com.zeroui.kms.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

class WalCheckpointerTest {
    private static final long FIVE_MIB = 5L * 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void aCommitWithTheAutomaticCheckpointOffLeavesTheLogAndTheCheckpointerFoldsItIn() throws Exception {
        Path file = dir.resolve("plain.db");
        SQLiteDataSource source = new SQLiteDataSource();
        source.setUrl("jdbc:sqlite:" + file);
        try (Connection writer = source.getConnection(); Statement s = writer.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute(WalCheckpointer.DISABLE_AUTOMATIC);
            s.execute("CREATE TABLE filler (id INTEGER PRIMARY KEY, body BLOB)");
            fill(writer); // well past SQLite's automatic threshold of 1,000 pages (4 MiB)
            assertThat(Files.size(file)).as("no commit folded the log back").isLessThan(1024L * 1024);

            new WalCheckpointer(source).checkpoint();

            assertThat(Files.size(file)).as("the rows are in the database file").isGreaterThan(FIVE_MIB);
        }
    }

    @Test
    void theStoresConnectionsLeaveCheckpointsToItsOwnThreadWhichKeepsUp() throws Exception {
        Path file = dir.resolve("kms.db");
        try (Database db = Database.open("jdbc:sqlite:" + file, null, null)) {
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery("PRAGMA wal_autocheckpoint")) {
                    assertThat(rs.getInt(1)).as("automatic checkpoint on a pooled connection").isZero();
                }
                s.execute("CREATE TABLE filler (id INTEGER PRIMARY KEY, body BLOB)");
                fill(c);
            }
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (Files.size(file) < FIVE_MIB && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(Files.size(file)).as("folded in by the background checkpoint").isGreaterThan(FIVE_MIB);
        }
    }

    private static void fill(Connection c) throws Exception {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO filler (body) VALUES (?)")) {
            for (int i = 0; i < 1536; i++) {
                insert.setBytes(1, new byte[4096]);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }
}
