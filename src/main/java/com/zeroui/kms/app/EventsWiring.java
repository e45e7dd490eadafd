package com.zeroui.kms.app;

import com.zeroui.kms.events.EventRelay;
import com.zeroui.kms.events.EventSink;
import com.zeroui.kms.events.NatsEventSink;
import com.zeroui.kms.events.WebhookEventSink;
import com.zeroui.kms.ops.KmsConfig;
import com.zeroui.kms.store.JdbcEventOutbox;
import java.time.Clock;
import java.util.List;

/** Event delivery wiring: one relay per configured sink. */
final class EventsWiring {
    private EventsWiring() {
    }

    /** One relay per configured sink; each delivers from the outbox under a lease held by one node at a time. */
    static List<EventRelay> startEventRelays(KmsConfig config, JdbcEventOutbox outbox, Clock clock) {
        List<EventSink> sinks = new java.util.ArrayList<>();
        if (config.events().natsUrl() != null) {
            sinks.add(new NatsEventSink(config.events().natsUrl(), config.events().natsStream()));
        }
        config.events().webhookUrls().forEach(url -> sinks.add(new WebhookEventSink(url)));
        String nodeId = com.zeroui.kms.crypto.RandomIds.uuid7(clock);
        return sinks.stream().map(s -> new EventRelay(outbox, s, nodeId, clock, config.events().lagThreshold())).toList();
    }
}
