package com.zeroui.kms.events;

import java.util.List;

/** Somewhere events are delivered to. Delivery is at least once: receivers deduplicate by event_id. */
public interface EventSink extends AutoCloseable {
    /** Stable name: the delivery cursor, metrics and health are keyed by it. */
    String name();

    /** Delivers a batch in sequence order; returns normally only when the sink has acknowledged all of it. */
    void deliver(List<EventOutbox.StoredEvent> events) throws Exception;

    @Override
    default void close() {
    }
}
