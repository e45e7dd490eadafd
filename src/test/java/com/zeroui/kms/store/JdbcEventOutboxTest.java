package com.zeroui.kms.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zeroui.kms.crypto.KeyType;
import com.zeroui.kms.events.EventOutbox;
import com.zeroui.kms.events.EventType;
import com.zeroui.kms.events.KmsEvent;
import com.zeroui.kms.keys.AccessPolicy;
import com.zeroui.kms.keys.Environment;
import com.zeroui.kms.keys.KeyRecord;
import com.zeroui.kms.keys.KeyRepository;
import com.zeroui.kms.keys.KeyScope;
import com.zeroui.kms.keys.KeyState;
import com.zeroui.kms.keys.KeyUsage;
import com.zeroui.kms.keys.Plane;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The outbox contract on both engines: gap-free commit-ordered numbers, tenant scoping, cursors, leases. */
@ParameterizedClass(name = "{0}")
@EnumSource(StoreBackend.class)
class JdbcEventOutboxTest {
    private static StoreBackend.TempStore store;
    private static Database database;
    private static JdbcEventOutbox outbox;
    private static JdbcKeyRepository keys;

    @Parameter(0)
    StoreBackend backend;

    @BeforeParameterizedClassInvocation
    static void open(StoreBackend backend) {
        store = backend.create("event_outbox");
        database = store.open();
        outbox = new JdbcEventOutbox(database);
        keys = new JdbcKeyRepository(database);
    }

    @AfterParameterizedClassInvocation
    static void close() {
        StoreBackend.close(store, database);
        database = null;
        store = null;
    }

    @Test
    void eventsGetConsecutiveNumbersAndReadBackAsWritten() {
        String tenant = newTenant();
        long before = outbox.lastSeq();
        KmsEvent first = event(EventType.KEY_GENERATED, tenant, "k1");
        KmsEvent second = event(EventType.SIGNATURE_CREATED, tenant, "k1");
        outbox.append(List.of(first, second));

        List<EventOutbox.StoredEvent> read = outbox.after(before, tenant, 10);
        assertThat(read).extracting(EventOutbox.StoredEvent::seq).containsExactly(before + 1, before + 2);
        assertThat(read).extracting(EventOutbox.StoredEvent::eventId).containsExactly(first.eventId(), second.eventId());
        assertThat(read.get(0).type()).isEqualTo(EventType.KEY_GENERATED);
        assertThat(read.get(0).orderingKey()).isEqualTo("k1");
        assertThat(read.get(0).ts()).isEqualTo(first.ts());
        assertThat(read.get(0).json()).startsWith("{\"environment\":\"prod\",\"event_id\":\"" + first.eventId() + "\"")
                .contains("\"source_module\":\"M33\"").contains("\"payload\":{\"key_id\":\"k1\"}");
        assertThat(outbox.lastSeq()).isEqualTo(before + 2);
        assertThat(outbox.timestampAfter(before)).contains(first.ts());
        assertThat(outbox.timestampAfter(before + 2)).isEmpty();
    }

    @Test
    void aTenantReadsOnlyItsOwnEventsAndTheUnscopedReadSeesAll() {
        String a = newTenant();
        String b = newTenant();
        long before = outbox.lastSeq();
        outbox.append(List.of(event(EventType.KEY_GENERATED, a, "ka"), event(EventType.KEY_GENERATED, b, "kb"),
                event(EventType.KEY_REVOKED, a, "ka")));
        assertThat(outbox.after(before, a, 10)).extracting(EventOutbox.StoredEvent::orderingKey).containsExactly("ka", "ka");
        assertThat(outbox.after(before, b, 10)).extracting(EventOutbox.StoredEvent::orderingKey).containsExactly("kb");
        assertThat(outbox.after(before, null, 10)).hasSize(3);
        assertThat(outbox.after(before, null, 2)).hasSize(2);
    }

    @Test
    void aTenantAlsoReadsChangesToTheGlobalTrustAnchorsButNoOtherGlobalEvents() {
        String tenant = newTenant();
        long before = outbox.lastSeq();
        outbox.append(List.of(event(EventType.KEY_GENERATED, "GLOBAL", "service-key"),
                event(EventType.TRUST_ANCHOR_UPDATED, "GLOBAL", "global-anchor"),
                event(EventType.TRUST_ANCHOR_UPDATED, newTenant(), "other-tenants-anchor"),
                event(EventType.TRUST_ANCHOR_UPDATED, tenant, "own-anchor")));
        assertThat(outbox.after(before, tenant, 10)).extracting(EventOutbox.StoredEvent::orderingKey)
                .containsExactly("global-anchor", "own-anchor");
        assertThat(outbox.after(before, "GLOBAL", 10)).extracting(EventOutbox.StoredEvent::orderingKey)
                .containsExactly("service-key", "global-anchor");
    }

    @Test
    void concurrentWritersNeverLeaveGapsOrDuplicates() throws Exception {
        long before = outbox.lastSeq();
        String tenant = newTenant();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                done.add(pool.submit(() -> outbox.append(List.of(event(EventType.SIGNATURE_VERIFIED, tenant, "k"),
                        event(EventType.SIGNATURE_VERIFIED, tenant, "k")))));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        List<EventOutbox.StoredEvent> read = outbox.after(before, tenant, 1000);
        assertThat(read).extracting(EventOutbox.StoredEvent::seq)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(before + 1, before + 80).boxed().toList());
    }

    @Test
    void anEventCommitsWithItsKeyOrNotAtAll() {
        String tenant = newTenant();
        long before = outbox.lastSeq();
        KeyRecord key = key(tenant, "alias-" + tenant);
        keys.insert(key, List.of(event(EventType.KEY_GENERATED, tenant, key.keyId())));
        assertThat(outbox.after(before, tenant, 10)).extracting(EventOutbox.StoredEvent::orderingKey)
                .containsExactly(key.keyId());

        KeyRecord clash = key(tenant, "alias-" + tenant);
        assertThatThrownBy(() -> keys.insert(clash, List.of(event(EventType.KEY_GENERATED, tenant, clash.keyId()))))
                .isInstanceOf(KeyRepository.AliasTakenException.class);
        assertThat(outbox.after(before, tenant, 10)).as("the refused key's event rolled back with it").hasSize(1);
        assertThat(outbox.lastSeq()).as("and its number was not used").isEqualTo(before + 1);
    }

    @Test
    void aCursorMovesOnlyFromWhereItIs() {
        String sink = "sink-" + UUID.randomUUID();
        assertThat(outbox.sinkCursor(sink)).isZero();
        assertThat(outbox.acquireLease(sink, "node-a", Instant.now(), Instant.now().plusSeconds(15))).isTrue();
        assertThat(outbox.advanceSinkCursor(sink, 0, 5)).isTrue();
        assertThat(outbox.advanceSinkCursor(sink, 0, 7)).as("stale expectation").isFalse();
        assertThat(outbox.sinkCursor(sink)).isEqualTo(5);
    }

    @Test
    void oneNodeHoldsASinksLeaseUntilItLapses() {
        String sink = "sink-" + UUID.randomUUID();
        Instant now = Instant.now();
        assertThat(outbox.acquireLease(sink, "node-a", now, now.plusSeconds(15))).isTrue();
        assertThat(outbox.acquireLease(sink, "node-b", now.plusSeconds(1), now.plusSeconds(16))).isFalse();
        assertThat(outbox.acquireLease(sink, "node-a", now.plusSeconds(5), now.plusSeconds(20))).as("renewal").isTrue();
        assertThat(outbox.acquireLease(sink, "node-b", now.plusSeconds(19), now.plusSeconds(34))).isFalse();
        assertThat(outbox.acquireLease(sink, "node-b", now.plusSeconds(21), now.plusSeconds(36))).as("lapsed").isTrue();
        assertThat(outbox.acquireLease(sink, "node-a", now.plusSeconds(22), now.plusSeconds(37))).isFalse();
    }

    private static KmsEvent event(EventType type, String tenant, String keyId) {
        return new KmsEvent(UUID.randomUUID().toString(), type, Instant.now().truncatedTo(ChronoUnit.MILLIS), tenant,
                "prod", "tenant", keyId, Map.of("key_id", keyId));
    }

    private static KeyRecord key(String tenant, String alias) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return new KeyRecord(UUID.randomUUID().toString(), new KeyScope(tenant, Environment.PROD, Plane.TENANT),
                KeyType.ED25519, EnumSet.of(KeyUsage.SIGN), alias, KeyState.ACTIVE, now, now, null, 0,
                new AccessPolicy(List.of("M21"), false, 100), "M21", new byte[] {1}, new byte[] {2}, "mk-1");
    }

    private static String newTenant() {
        return "t-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
