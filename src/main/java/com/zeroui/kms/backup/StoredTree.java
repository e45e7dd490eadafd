package com.zeroui.kms.backup;

import com.zeroui.kms.audit.AuditRepository;
import com.zeroui.kms.audit.MerkleTree;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * The receipt log's Merkle tree as a database holds it, read through one connection (so inside
 * its transaction); each subtree hash is read once, since successive tree heads share most of them.
 */
final class StoredTree implements AutoCloseable {
    private final PreparedStatement lookup;
    private final Map<Long, byte[]> seen = new HashMap<>();
    private final MerkleTree tree;

    StoredTree(Connection c) throws SQLException {
        this.lookup = c.prepareStatement("SELECT hash FROM kms_audit_nodes WHERE level = ? AND node_index = ?");
        this.tree = new MerkleTree(this::perfect);
    }

    /** Lower-case hex of MTH of the first {@code size} receipts. */
    String rootHex(long size) {
        return HexFormat.of().formatHex(tree.root(size));
    }

    private byte[] perfect(int level, long index) {
        return seen.computeIfAbsent(((long) level << 57) | index, k -> {
            try {
                lookup.setInt(1, level);
                lookup.setLong(2, index);
                try (ResultSet rs = lookup.executeQuery()) {
                    if (!rs.next()) {
                        throw new AuditRepository.MissingNodeException(level, index);
                    }
                    return rs.getBytes(1);
                }
            } catch (SQLException e) {
                throw new IllegalStateException("reading the audit log's subtree hashes failed: " + e.getMessage(), e);
            }
        });
    }

    @Override
    public void close() throws SQLException {
        lookup.close();
    }
}
