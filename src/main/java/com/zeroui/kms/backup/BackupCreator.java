package com.zeroui.kms.backup;

import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.keystore.MasterKeyProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes a backup of a live store: one read transaction (a snapshot, so writers never wait) reads the
 * schema version, the log's size and root, every table's row count and then every row, so header and
 * body describe the same instant. Key material stays as stored, wrapped by the master key.
 */
public final class BackupCreator {
    private final CryptoSuite crypto;
    private final Clock clock;
    private final TokenKeys tokenKeys;

    public BackupCreator(CryptoSuite crypto, Clock clock, TokenKeys tokenKeys) {
        this.crypto = crypto;
        this.clock = clock;
        this.tokenKeys = tokenKeys;
    }

    /** The master-key version the store is bound to (the one new wraps use), or null for an unused store. */
    public static String boundMasterKey(Connection connection) throws SQLException {
        return StoreTables.masterKeyBinding(connection);
    }

    /**
     * Writes the backup of the store {@code connection} reads to {@code out}, sealed for {@code masterKey}.
     * The connection is used for one transaction, rolled back at the end; SQLite connections must
     * begin deferred transactions (see {@link StoreTables#beginSnapshot}).
     */
    public BackupHeader create(Connection connection, MasterKeyProvider masterKey, OutputStream out)
            throws IOException, SQLException {
        StoreTables.beginSnapshot(connection);
        try {
            List<String> tables = StoreTables.tables(connection);
            String bound = StoreTables.masterKeyBinding(connection);
            if (bound != null && !MasterKeys.holds(masterKey, bound)) {
                throw new BackupException(BackupException.Kind.WRONG_MASTER_KEY, "the store is bound to master key " + bound
                        + " but the master key given is " + masterKey.keyId());
            }
            Map<String, Long> counts = new LinkedHashMap<>();
            for (String table : tables) {
                counts.put(table, StoreTables.count(connection, table));
            }
            long logSize = StoreTables.logSize(connection);
            String root;
            try (StoredTree tree = new StoredTree(connection)) {
                root = tree.rootHex(logSize);
            }
            BackupHeader header = new BackupHeader(BackupHeader.FORMAT, clock.instant().truncatedTo(ChronoUnit.MILLIS),
                    masterKey.keyId(), MasterKeys.kind(masterKey), StoreTables.schemaVersion(connection),
                    StoreTables.engine(connection), logSize, root, counts, tokenKeys.referencedIn(connection));
            BackupFile.write(out, header, masterKey, crypto, body -> {
                for (String table : tables) {
                    long rows = TableStream.writeTable(connection, table, body);
                    if (rows != counts.get(table)) {
                        // cannot happen inside one snapshot; refuse rather than write a file that disagrees with itself
                        throw new BackupException(BackupException.Kind.SOURCE, "table " + table + " changed during the"
                                + " backup (" + counts.get(table) + " rows counted, " + rows + " read): the read was not a snapshot");
                    }
                }
                TableStream.writeEnd(body);
            });
            return header;
        } finally {
            connection.rollback();
        }
    }
}
