package com.zeroui.kms.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zeroui.kms.events.EventFeed;
import com.zeroui.kms.events.EventOutbox;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** GET /events: the pull feed. */
final class EventRoutes {
    private static final Set<String> PARAMS = Set.of("after", "limit", "tenant_id");

    private final EventFeed feed;
    private final ObjectMapper mapper;

    EventRoutes(EventFeed feed, ObjectMapper mapper) {
        this.feed = feed;
        this.mapper = mapper;
    }

    void feed(Context ctx) {
        QueryParams.rejectUnknown(ctx, PARAMS);
        String tenant = QueryParams.optional(ctx, "tenant_id").map(t -> Fields.tenantId("tenant_id", t)).orElse(null);
        long after = QueryParams.optional(ctx, "after").map(v -> QueryParams.parseLong("after", v)).orElse(0L);
        Integer limit = QueryParams.optional(ctx, "limit").map(v -> (int) QueryParams.parseLong("limit", v)).orElse(null);
        EventFeed.Page page = feed.after(Callers.of(ctx), tenant, after, limit);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("events", page.events().stream().map(this::view).toList());
        body.put("next_cursor", Long.toString(page.nextCursor()));
        body.put("first_cursor", Long.toString(page.firstCursor()));
        ctx.json(body);
    }

    private Map<String, Object> view(EventOutbox.StoredEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cursor", Long.toString(e.seq()));
        try {
            m.put("event", mapper.readValue(e.json(), Map.class));
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("stored event " + e.eventId() + " is not JSON", ex);
        }
        return m;
    }
}
