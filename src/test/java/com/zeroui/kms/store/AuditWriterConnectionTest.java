package com.zeroui.kms.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zeroui.kms.audit.AuditRepository;
import com.zeroui.kms.audit.MerkleFrontier;
import com.zeroui.kms.audit.MerkleHash;
import com.zeroui.kms.audit.MerkleTree;
import com.zeroui.kms.audit.TestReceiptLog;
import com.zeroui.kms.crypto.RandomIds;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.events.EventType;
import com.zeroui.kms.events.KmsEvent;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The audit writer's kept connection (ADR 0039) on both engines: batches share one connection and
 * its statements, it goes back to the pool when the writer idles, a failed batch leaves neither rows
 * nor a moved head and the next batch commits on a fresh connection, and the receipts, Merkle
 * nodes and events each batch commits are all there.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(StoreBackend.class)
class AuditWriterConnectionTest {
    static final Instant T0 = Instant.parse("2024-03-01T00:00:00Z");

    @Parameter(0)
    StoreBackend backend;

    StoreBackend.TempStore store;
    Database database;
    JdbcAuditRepository repository;
    JdbcEventOutbox outbox;
    MerkleFrontier frontier;

    @BeforeEach
    void open() {
        store = backend.create("writer");
        database = store.open();
        repository = new JdbcAuditRepository(database);
        outbox = new JdbcEventOutbox(database);
        frontier = new MerkleFrontier();
    }

    @AfterEach
    void close() {
        if (repository != null) {
            repository.writerIdle();
        }
        StoreBackend.close(store, database);
    }


    /** Appends {@code count} receipts, each with one event; returns their ids. */
    List<String> append(int count) {
        List<String> ids = new ArrayList<>();
        repository.append(count, first -> {
            List<AuditRepository.ReceiptRow> rows = new ArrayList<>();
            List<MerkleFrontier.Node> nodes = new ArrayList<>();
            List<KmsEvent> events = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                long index = first + i;
                Instant ts = T0.plusSeconds(index);
                String id = RandomIds.uuid7(java.time.Clock.fixed(ts, java.time.ZoneOffset.UTC));
                String json = "{\"log_index\":" + index + ",\"receipt_id\":\"" + id + "\",\"tenant_id\":\"tenant-a\"}";
                rows.add(new AuditRepository.ReceiptRow(index, id, ts, "tenant-a", "key-" + index, "signature_created", true,
                        json));
                nodes.addAll(frontier.append(MerkleHash.leaf(json.getBytes(StandardCharsets.UTF_8))));
                events.add(new KmsEvent(RandomIds.uuid7(java.time.Clock.fixed(ts, java.time.ZoneOffset.UTC)),
                        EventType.SIGNATURE_CREATED, ts, "tenant-a", "dev", "tenant", "key-" + index, Map.of("i", index)));
                ids.add(id);
            }
            return new AuditRepository.Batch(rows, nodes, events);
        });
        return ids;
    }

    @Test
    void batchesShareOneConnectionThatGoesBackToThePoolWhenTheWriterIdles() {
        List<String> ids = new ArrayList<>(append(1));
        Connection kept = repository.writerConnection();
        assertThat(kept).isNotNull();
        for (int batch = 2; batch <= 20; batch++) {
            ids.addAll(append(batch % 7 + 1));
            assertThat(repository.writerConnection()).as("the writer keeps its connection between batches").isSameAs(kept);
        }
        repository.writerIdle();
        assertThat(repository.writerConnection()).isNull();

        assertThat(repository.size()).isEqualTo(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            AuditRepository.ReceiptRow row = repository.findByReceiptId(ids.get(i)).orElseThrow();
            assertThat(row.logIndex()).isEqualTo(i);
        }
        // every completed subtree was stored: the stored tree's root is the writer's
        assertThat(new MerkleTree(repository).root(ids.size())).isEqualTo(frontier.root());
        assertThat(outbox.lastSeq()).isEqualTo(ids.size());
        assertThat(outbox.after(0, null, 1_000)).hasSize(ids.size());

        ids.addAll(append(3)); // after the idle release: a connection from the pool again
        assertThat(repository.writerConnection()).isNotNull().isNotSameAs(kept);
        assertThat(repository.findByReceiptId(ids.get(ids.size() - 1)).orElseThrow().logIndex()).isEqualTo(ids.size() - 1);
    }

    @Test
    void aBatchThatFailsWhileBuildingLeavesNothingAndTheNextCommits() {
        append(5);
        assertThatThrownBy(() -> repository.append(4, first -> {
            throw new IllegalStateException("signer unavailable");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(repository.writerConnection()).as("a failed batch's connection is not kept").isNull();
        assertThat(repository.size()).isEqualTo(5);

        List<String> next = append(2);
        assertThat(repository.findByReceiptId(next.get(0)).orElseThrow().logIndex()).isEqualTo(5);
        assertThat(repository.size()).isEqualTo(7);
    }

    @Test
    void aBatchTheStoreRefusesRollsBackWholeAndTheNextCommits() {
        List<String> ids = append(3);
        MerkleFrontier before = MerkleFrontier.load(3, repository);
        // the same receipt id again: the unique index refuses the second row, after the head moved
        assertThatThrownBy(() -> repository.append(2, first -> new AuditRepository.Batch(List.of(
                new AuditRepository.ReceiptRow(first, "fresh-" + first, T0, "tenant-a", null, "signature_created", true, "{}"),
                new AuditRepository.ReceiptRow(first + 1, ids.get(0), T0, "tenant-a", null, "signature_created", true, "{}")),
                List.of(), List.of()))).isInstanceOf(KmsException.class);
        assertThat(repository.writerConnection()).isNull();
        assertThat(repository.size()).isEqualTo(3);
        assertThat(repository.findByReceiptId("fresh-3")).isEmpty();

        frontier = before;
        List<String> next = append(4);
        assertThat(repository.findByReceiptId(next.get(0)).orElseThrow().logIndex()).isEqualTo(3);
        assertThat(new MerkleTree(repository).root(7)).isEqualTo(frontier.root());
    }

    @Test
    void otherWritersAreNotBlockedBetweenBatches() throws Exception {
        append(2); // the writer keeps its connection, outside any transaction
        try (Connection other = database.dataSource().getConnection(); Statement s = other.createStatement()) {
            other.setAutoCommit(false);
            s.executeUpdate("UPDATE kms_event_head SET pruned_through = pruned_through WHERE id = 1");
            other.commit();
            other.setAutoCommit(true);
        }
        append(2);
        assertThat(repository.size()).isEqualTo(4);
    }

    /**
     * Between batches the kept connection holds no transaction, not even a read snapshot: on SQLite a
     * checkpoint can then fold every WAL frame back (a snapshot would pin the WAL and let it grow), on
     * PostgreSQL the session is idle, not idle in a transaction.
     */
    @Test
    void theKeptConnectionHoldsNoTransactionBetweenBatches() throws Exception {
        append(5);
        append(3);
        assertThat(repository.writerConnection()).isNotNull();
        try (Connection other = database.dataSource().getConnection(); Statement s = other.createStatement()) {
            if (backend == StoreBackend.SQLITE) {
                try (var rs = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("busy").isZero();
                    assertThat(rs.getInt(2)).as("frames in the WAL").isPositive();
                    assertThat(rs.getInt(3)).as("frames checkpointed").isEqualTo(rs.getInt(2));
                }
            } else {
                try (var rs = s.executeQuery("SELECT count(*), count(*) FILTER (WHERE state <> 'idle') FROM pg_stat_activity "
                        + "WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'")) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("the pool's sessions, the writer's among them").isPositive();
                    assertThat(rs.getInt(2)).as("sessions in a transaction").isZero();
                }
            }
        }
    }

    @Test
    void closingTheLogReleasesTheWritersConnection() {
        TestReceiptLog log = new TestReceiptLog(database);
        try {
            log.append(3, T0);
            assertThat(log.repository.size()).isEqualTo(3);
        } finally {
            log.close();
        }
        assertThat(log.repository.writerConnection()).isNull();
    }
}
