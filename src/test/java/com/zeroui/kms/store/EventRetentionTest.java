package com.zeroui.kms.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.auth.Role;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.events.EventFeed;
import com.zeroui.kms.events.EventOutbox;
import com.zeroui.kms.events.EventPruner;
import com.zeroui.kms.events.EventType;
import com.zeroui.kms.events.KmsEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Event retention on both engines: the outbox loses only a prefix of events that every sink has
 * acknowledged and that are older than the retention; a lagging sink keeps its events however old;
 * the feed says where it starts and answers a cursor inside the pruned range with 410.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(StoreBackend.class)
class EventRetentionTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final CallerIdentity ADMIN = new CallerIdentity("M1", "t-ev", Set.of(Role.ADMIN),
            "spiffe://zeroui.local/tenant/t-ev/module/M1");

    @Parameter(0)
    StoreBackend backend;

    StoreBackend.TempStore store;
    Database database;
    JdbcEventOutbox outbox;

    @BeforeEach
    void open() {
        store = backend.create("event_retention");
        database = store.open();
        outbox = new JdbcEventOutbox(database);
        // 100 events one hour apart: seq 1 at T0, seq 100 at T0 + 99 h
        outbox.append(IntStream.range(0, 100).mapToObj(i -> event(T0.plus(Duration.ofHours(i)))).toList());
    }

    @AfterEach
    void close() {
        StoreBackend.close(store, database);
    }

    @Test
    void onlyEventsEverySinkAcknowledgedAndOlderThanTheRetentionArePruned() {
        cursor("nats", 90);
        cursor("webhook:lagging", 20);
        Clock at = Clock.fixed(T0.plus(Duration.ofHours(99)).plus(Duration.ofDays(30)), ZoneOffset.UTC);

        EventPruner.Result held = new EventPruner(outbox, Duration.ofDays(30), at).pruneOnce();

        // everything is older than 30 days, but the lagging sink acknowledged only up to 20
        assertThat(held.prunedThrough()).isEqualTo(20);
        assertThat(held.removed()).isEqualTo(20);
        assertThat(held.heldBackBy()).isEqualTo("webhook:lagging");
        assertThat(outbox.prunedThrough()).isEqualTo(20);
        assertThat(outbox.after(0, null, 1000)).extracting(EventOutbox.StoredEvent::seq).startsWith(21L).hasSize(80);

        // the sink catches up; now the retention decides: 30 days before T0+60h+30d is T0+60h, so seq 1..60 go
        assertThat(outbox.advanceSinkCursor("webhook:lagging", 20, 100)).isTrue();
        Clock later = Clock.fixed(T0.plus(Duration.ofHours(60)).plus(Duration.ofDays(30)), ZoneOffset.UTC);
        EventPruner.Result byAge = new EventPruner(outbox, Duration.ofDays(30), later).pruneOnce();
        assertThat(byAge.prunedThrough()).isEqualTo(60);
        assertThat(byAge.removed()).isEqualTo(40);
        assertThat(byAge.heldBackBy()).isNull();
        assertThat(new EventPruner(outbox, Duration.ofDays(30), later).pruneOnce().removed()).as("idempotent").isZero();
        assertThat(count()).isEqualTo(40);
        assertThat(outbox.lastSeq()).as("numbering goes on").isEqualTo(100);
        outbox.append(List.of(event(T0.plus(Duration.ofDays(90)))));
        assertThat(outbox.lastSeq()).isEqualTo(101);
    }

    @Test
    void theFeedSaysWhereItStartsAndRefusesAPrunedCursor() {
        cursor("nats", 100);
        new EventPruner(outbox, Duration.ofDays(1), Clock.fixed(T0.plus(Duration.ofDays(2)), ZoneOffset.UTC)).pruneOnce();
        assertThat(outbox.prunedThrough()).isEqualTo(24); // seq 1..24 are older than T0 + 1 d
        EventFeed feed = new EventFeed(outbox);

        EventFeed.Page fromStart = feed.after(ADMIN, null, 0, 10);
        assertThat(fromStart.firstCursor()).isEqualTo(24);
        assertThat(fromStart.events()).extracting(EventOutbox.StoredEvent::seq).startsWith(25L);
        assertThat(feed.after(ADMIN, null, 24, 10).events().get(0).seq()).isEqualTo(25);
        assertThat(feed.after(ADMIN, null, 50, 10).events().get(0).seq()).isEqualTo(51);

        KmsException gone = catchThrowableOfType(KmsException.class, () -> feed.after(ADMIN, null, 10, 10));
        assertThat(gone.httpStatus()).isEqualTo(410);
        assertThat(gone.details()).containsEntry("first_cursor", "24").containsEntry("field", "after");
        assertThat(gone.getMessage()).contains("resume from cursor 24");
    }

    private void cursor(String sink, long seq) {
        assertThat(outbox.acquireLease(sink, "node-1", T0, T0.plusSeconds(60))).isTrue();
        assertThat(outbox.advanceSinkCursor(sink, 0, seq)).isTrue();
    }

    private long count() {
        return outbox.after(0, null, 1000).size() + 0L;
    }

    private static KmsEvent event(Instant ts) {
        return new KmsEvent(UUID.randomUUID().toString(), EventType.KEY_GENERATED, ts, "t-ev", "prod", "tenant", "k1",
                Map.of("key_id", "k1"));
    }
}
