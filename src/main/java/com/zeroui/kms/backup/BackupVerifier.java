package com.zeroui.kms.backup;

import com.zeroui.kms.audit.MerkleTree;
import java.io.EOFException;
import java.io.IOException;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a whole backup without writing anything: every chunk must authenticate, every table the
 * header counts must be there with that many rows, and the log root recomputed from the subtree
 * hashes in the body must be the header's.
 */
public final class BackupVerifier {
    private static final byte[] PLACEHOLDER = new byte[32];

    public record Result(BackupHeader header, Map<String, Long> rows, String recomputedLogRoot) {
    }

    public Result verify(BackupFile.Opened backup) throws IOException {
        BackupHeader header = backup.header();
        Set<Long> needed = new HashSet<>();
        new MerkleTree((level, index) -> {
            needed.add(key(level, index));
            return PLACEHOLDER;
        }).root(header.logSize());
        Map<Long, byte[]> nodes = new HashMap<>();
        Map<String, Long> rows = new LinkedHashMap<>();
        try {
            TableStream.read(backup.body(), new TableStream.Visitor() {
                private boolean auditNodes;
                private int level;
                private int index;
                private int hash;

                @Override
                public void table(String name, List<String> columns) {
                    auditNodes = name.equals("kms_audit_nodes");
                    level = columns.indexOf("level");
                    index = columns.indexOf("node_index");
                    hash = columns.indexOf("hash");
                }

                @Override
                public void row(Object[] values) {
                    if (auditNodes) {
                        long k = key(((Number) values[level]).intValue(), ((Number) values[index]).longValue());
                        if (needed.contains(k)) {
                            nodes.put(k, (byte[]) values[hash]);
                        }
                    }
                }

                @Override
                public void endTable(String name, long count) {
                    rows.put(name, count);
                }
            });
        } catch (SQLException e) {
            throw new IllegalStateException(e); // no database involved
        } catch (EOFException e) {
            throw new BackupException(BackupException.Kind.CORRUPT, "the backup body ends early", e);
        } catch (ChunkedAead.Tampered e) {
            throw new BackupException(BackupException.Kind.CORRUPT, "the backup is damaged: " + e.getMessage(), e);
        }
        checkCounts(header, rows);
        String root = HexFormat.of().formatHex(new MerkleTree((level, index) -> {
            byte[] h = nodes.get(key(level, index));
            if (h == null) {
                throw new BackupException(BackupException.Kind.CORRUPT, "the backup lacks the log's subtree hash ("
                        + level + ", " + index + ")");
            }
            return h;
        }).root(header.logSize()));
        if (!root.equals(header.logRootHex())) {
            throw new BackupException(BackupException.Kind.CORRUPT, "the log root recomputed from the backup (" + root
                    + ") is not the header's (" + header.logRootHex() + ")");
        }
        return new Result(header, rows, root);
    }

    static void checkCounts(BackupHeader header, Map<String, Long> rows) {
        if (!rows.equals(header.tables())) {
            throw new BackupException(BackupException.Kind.CORRUPT, "the body's tables " + rows
                    + " are not the ones the header counts " + header.tables());
        }
    }

    private static long key(int level, long index) {
        return ((long) level << 57) | index;
    }
}
