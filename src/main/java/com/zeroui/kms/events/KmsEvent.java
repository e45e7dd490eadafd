package com.zeroui.kms.events;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One event in the spec's common envelope. {@code orderingKey} (the key id, or the trust anchor
 * id) is what delivery keeps in order; it is not part of the envelope.
 */
public record KmsEvent(String eventId, EventType type, Instant ts, String tenantId, String environment, String plane,
                       String orderingKey, Map<String, Object> payload) {

    public static final String SOURCE_MODULE = "M33";

    public KmsEvent {
        payload = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(payload));
    }

    /** The envelope as published: event_id, event_type, ts, tenant_id, environment, plane, source_module, payload. */
    public Map<String, Object> envelope() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event_id", eventId);
        m.put("event_type", type.apiName());
        m.put("ts", ts.toString());
        m.put("tenant_id", tenantId);
        m.put("environment", environment);
        m.put("plane", plane);
        m.put("source_module", SOURCE_MODULE);
        m.put("payload", payload);
        return m;
    }
}
