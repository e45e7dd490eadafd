package com.zeroui.kms.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.auth.Tenancy;
import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The pull feed over the outbox: events after a cursor, in order. A module sees its own tenant's
 * events (and changes to the GLOBAL trust anchors its bundles include); an admin sees every
 * tenant's, or one tenant's when it names it. The cursor is the
 * event's sequence number, so a consumer resumes exactly where it stopped.
 *
 * <p>A caller a bearer token binds to an environment sees only the events of that environment, and
 * of the environment-less events only {@code trust_anchor_updated} (anchors apply in every
 * environment of their tenant; see {@link Tenancy#maySeeFiledIn}). The events it may not see are
 * skipped, not held back: its cursor moves past them.
 */
public final class EventFeed {
    public static final int MAX_PAGE = 1000;
    public static final int DEFAULT_PAGE = 100;
    /** How many events one token-bound read looks at, at most, to fill its page. */
    static final int MAX_SCANNED = 10 * MAX_PAGE;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EventOutbox outbox;

    public EventFeed(EventOutbox outbox) {
        this.outbox = outbox;
    }

    /**
     * {@code nextCursor} is the last returned event's, or {@code after} itself when nothing is new:
     * poll with it. {@code firstCursor}: the feed holds the events after it (older ones were pruned).
     */
    public record Page(List<EventOutbox.StoredEvent> events, long nextCursor, long firstCursor) {
    }

    public Page after(CallerIdentity caller, String tenantId, long after, Integer limit) {
        String tenant = tenantId;
        if (tenant != null) {
            Tenancy.requireTenant(caller, tenant);
        }
        if (tenant == null && !caller.isAdmin()) {
            tenant = caller.tenantId();
        }
        if (after < 0) {
            throw KmsException.invalid("after", "after must be a cursor returned by this feed (0 = from the start)");
        }
        int size = limit == null ? DEFAULT_PAGE : limit;
        if (size < 1 || size > MAX_PAGE) {
            throw KmsException.invalid("limit", "limit must be between 1 and " + MAX_PAGE);
        }
        long pruned = outbox.prunedThrough();
        if (after > 0 && after < pruned) {
            // a consumer that stopped before the pruned range would silently miss events: say so instead
            throw new KmsException(ErrorCode.INVALID_REQUEST, 410, "events after cursor " + after + " up to " + pruned
                    + " were pruned under the event retention policy; resume from cursor " + pruned
                    + " (and reconcile what happened meanwhile from the key and audit APIs)",
                    Map.of("field", "after", "first_cursor", Long.toString(pruned)), null);
        }
        long from = Math.max(after, pruned);
        if (caller.boundEnvironment() == null) {
            List<EventOutbox.StoredEvent> events = outbox.after(from, tenant, size);
            return new Page(events, events.isEmpty() ? from : events.get(events.size() - 1).seq(), pruned);
        }
        return filtered(caller, tenant, from, size, pruned);
    }

    /**
     * The token-bound caller's page: reads on past the events it may not see, up to
     * {@link #MAX_SCANNED} of them per request (a long run of another environment's events then
     * answers a short or empty page whose cursor still moves on).
     */
    private Page filtered(CallerIdentity caller, String tenant, long from, int size, long pruned) {
        List<EventOutbox.StoredEvent> shown = new ArrayList<>();
        long next = from;
        int scanned = 0;
        while (shown.size() < size && scanned < MAX_SCANNED) {
            // whole pages whatever the limit: a run of hidden events costs at most ten reads
            List<EventOutbox.StoredEvent> batch = outbox.after(next, tenant, MAX_PAGE);
            for (EventOutbox.StoredEvent e : batch) {
                next = e.seq();
                scanned++;
                if (Tenancy.maySeeFiledIn(caller, environmentOf(e), e.type() == EventType.TRUST_ANCHOR_UPDATED)) {
                    shown.add(e);
                    if (shown.size() == size) {
                        break;
                    }
                }
            }
            if (batch.size() < MAX_PAGE) {
                break;
            }
        }
        return new Page(List.copyOf(shown), next, pruned);
    }

    /** The envelope's environment (null when it names none). */
    static String environmentOf(EventOutbox.StoredEvent event) {
        try {
            JsonNode environment = JSON.readTree(event.json()).get("environment");
            return environment != null && environment.isTextual() ? environment.asText() : null;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored event " + event.eventId() + " is not JSON", e);
        }
    }
}
