package com.zeroui.kms.app;

import com.zeroui.kms.events.EventRelay;
import com.zeroui.kms.events.EventSink;
import com.zeroui.kms.events.NatsEventSink;
import com.zeroui.kms.events.WebhookEventSink;
import com.zeroui.kms.ops.HealthService;
import com.zeroui.kms.ops.KmsConfig;
import com.zeroui.kms.ops.Metrics;
import com.zeroui.kms.store.JdbcEventOutbox;
import java.time.Clock;
import java.util.List;

/** Event delivery wiring: one relay per configured sink. */
final class EventsWiring {
    private EventsWiring() {
    }

    /**
     * One relay per configured sink; each delivers from the outbox under a lease held by one node at
     * a time, and adds its health check and gauges.
     */
    static void startEventRelays(KmsConfig config, JdbcEventOutbox outbox, Clock clock,
                                 List<HealthService.NamedCheck> checks, Metrics metrics, StartedResources started) {
        List<EventSink> sinks = new java.util.ArrayList<>();
        if (config.events().natsUrl() != null) {
            sinks.add(new NatsEventSink(config.events().natsUrl(), config.events().natsStream()));
        }
        config.events().webhookUrls().forEach(url -> sinks.add(new WebhookEventSink(url)));
        String nodeId = com.zeroui.kms.crypto.RandomIds.uuid7(clock);
        List<EventRelay> relays = new java.util.ArrayList<>();
        for (EventSink sink : sinks) {
            EventRelay relay = started.add("event relay " + sink.name(),
                    new EventRelay(outbox, sink, nodeId, clock, config.events().lagThreshold()));
            relays.add(relay);
            // like receipt sinks: a failing or lagging event sink degrades health, operations go on
            checks.add(new HealthService.NamedCheck("event_sink:" + relay.sinkName(), false, relay::check));
        }
        metrics.registerEventSinks(relays.stream().map(r -> new Metrics.EventSinkFigures(r.sinkName(), r::depth,
                () -> r.lag().toMillis() / 1000.0, r::deliveredEvents, r::failures)).toList());
    }
}
