package com.zeroui.kms.backup;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Loads a backup into a database already migrated to the backup's schema version, in one
 * transaction: the target's rows (only the ones its migrations seeded, unless replacing) are removed,
 * every row of the backup is inserted, and before the commit the restored log must have the
 * header's size and root and every restored tree head must match the restored tree. Any failure —
 * including a chunk that does not authenticate halfway through — rolls everything back.
 */
public final class BackupRestorer {
    private static final int BATCH = 1000;

    public record Result(Map<String, Long> rows, int treeHeadsChecked) {
    }

    /** True when no KMS has used the database yet: no master key binding, no keys, no receipts. */
    public static boolean isEmpty(Connection c) throws SQLException {
        for (String table : List.of("kms_meta", "kms_keys", "kms_audit_receipts")) {
            if (StoreTables.count(c, table) > 0) {
                return false;
            }
        }
        return true;
    }

    /** What the target holds, for the refusal message. */
    static String describe(Connection c) throws SQLException {
        return StoreTables.count(c, "kms_keys") + " keys, a log of " + StoreTables.logSize(c) + " receipts";
    }

    public Result restore(BackupFile.Opened backup, Connection target, boolean replace) throws IOException, SQLException {
        BackupHeader header = backup.header();
        target.setAutoCommit(false);
        try {
            if (!replace && !isEmpty(target)) {
                throw new BackupException(BackupException.Kind.TARGET_NOT_EMPTY, "the target already holds a KMS ("
                        + describe(target) + "); restore into an empty one, or pass --force to replace it");
            }
            int targetVersion = StoreTables.schemaVersion(target);
            if (targetVersion != header.schemaVersion()) {
                throw new BackupException(BackupException.Kind.INCOMPATIBLE, "the target's schema is version " + targetVersion
                        + " but the backup's is " + header.schemaVersion() + "; restore into an empty database");
            }
            List<String> tables = StoreTables.tables(target);
            try (Statement s = target.createStatement()) {
                if ("sqlite".equals(StoreTables.engine(target))) {
                    // index inserts at random keys (UUIDs) thrash SQLite's default 2 MB page cache
                    s.execute("PRAGMA cache_size = -262144");
                }
                for (String table : tables) {
                    s.executeUpdate("DELETE FROM " + table);
                }
            }
            Loader loader = new Loader(target, Set.copyOf(tables));
            try {
                TableStream.read(backup.body(), loader);
            } catch (EOFException e) {
                throw new BackupException(BackupException.Kind.CORRUPT, "the backup body ends early", e);
            } catch (ChunkedAead.Tampered e) {
                throw new BackupException(BackupException.Kind.CORRUPT, "the backup is damaged: " + e.getMessage()
                        + "; nothing was restored", e);
            }
            BackupVerifier.checkCounts(header, loader.restored);
            int heads = checkLog(target, header);
            target.commit();
            return new Result(loader.restored, heads);
        } catch (IOException | SQLException | RuntimeException e) {
            target.rollback();
            throw e;
        } finally {
            target.setAutoCommit(true);
        }
    }

    /** The restored log is the one backed up, and every restored signed head is a head of it. */
    private static int checkLog(Connection c, BackupHeader header) throws SQLException {
        long size = StoreTables.logSize(c);
        if (size != header.logSize()) {
            throw new BackupException(BackupException.Kind.CORRUPT, "the restored log holds " + size
                    + " receipts, the header says " + header.logSize());
        }
        int checked = 0;
        try (StoredTree tree = new StoredTree(c)) {
            if (!tree.rootHex(size).equals(header.logRootHex())) {
                throw new BackupException(BackupException.Kind.CORRUPT, "the restored log's root is not the header's");
            }
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT tree_size, root_hash FROM kms_audit_tree_heads ORDER BY tree_size")) {
                while (rs.next()) {
                    long headSize = rs.getLong(1);
                    if (headSize > size || !tree.rootHex(headSize).equals(rs.getString(2))) {
                        throw new BackupException(BackupException.Kind.CORRUPT, "the restored tree head of size " + headSize
                                + " is not consistent with the restored log");
                    }
                    checked++;
                }
            }
        }
        return checked;
    }

    /** Inserts each section's rows in batches, converting values to the target column's type. */
    private static final class Loader implements TableStream.Visitor {
        private final Connection target;
        private final Set<String> tables;
        private final Map<String, Long> restored = new LinkedHashMap<>();
        private PreparedStatement insert;
        private int[] types;
        private int pending;

        Loader(Connection target, Set<String> tables) {
            this.target = target;
            this.tables = tables;
        }

        @Override
        public void table(String name, List<String> columns) throws SQLException {
            if (!tables.contains(name)) {
                throw new BackupException(BackupException.Kind.INCOMPATIBLE, "the target has no table " + name);
            }
            Map<String, Integer> targetTypes = columnTypes(name);
            types = new int[columns.size()];
            for (int i = 0; i < columns.size(); i++) {
                Integer type = targetTypes.get(columns.get(i));
                if (type == null) {
                    throw new BackupException(BackupException.Kind.INCOMPATIBLE, "the target's table " + name
                            + " has no column " + columns.get(i));
                }
                types[i] = type;
            }
            insert = target.prepareStatement("INSERT INTO " + name + " (" + String.join(", ", columns) + ") VALUES ("
                    + String.join(", ", java.util.Collections.nCopies(columns.size(), "?")) + ")");
            pending = 0;
        }

        private Map<String, Integer> columnTypes(String table) throws SQLException {
            Map<String, Integer> types = new HashMap<>();
            try (Statement s = target.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + table + " WHERE 1 = 0")) {
                ResultSetMetaData meta = rs.getMetaData();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    types.put(meta.getColumnName(i).toLowerCase(Locale.ROOT), meta.getColumnType(i));
                }
            }
            return types;
        }

        @Override
        public void row(Object[] values) throws SQLException {
            for (int i = 0; i < values.length; i++) {
                bind(insert, i + 1, types[i], values[i]);
            }
            insert.addBatch();
            if (++pending == BATCH) {
                insert.executeBatch();
                pending = 0;
            }
        }

        @Override
        public void endTable(String name, long rows) throws SQLException {
            if (pending > 0) {
                insert.executeBatch();
            }
            insert.close();
            restored.put(name, rows);
        }
    }

    /** Engines type the same migration differently (SQLite stores what it is given): convert to the target column. */
    static void bind(PreparedStatement ps, int i, int type, Object v) throws SQLException {
        if (v == null) {
            ps.setNull(i, type);
            return;
        }
        switch (type) {
            case Types.BIGINT, Types.INTEGER, Types.SMALLINT, Types.TINYINT ->
                    ps.setLong(i, v instanceof Number n ? n.longValue() : Long.parseLong(v.toString()));
            case Types.VARCHAR, Types.CHAR, Types.LONGVARCHAR, Types.NVARCHAR, Types.NCHAR, Types.LONGNVARCHAR, Types.CLOB ->
                    ps.setString(i, v instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : v.toString());
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB ->
                    ps.setBytes(i, v instanceof byte[] b ? b : v.toString().getBytes(StandardCharsets.UTF_8));
            default -> ps.setObject(i, v);
        }
    }
}
