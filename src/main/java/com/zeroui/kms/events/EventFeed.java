package com.zeroui.kms.events;

import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.auth.Tenancy;
import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import java.util.List;
import java.util.Map;

/**
 * The pull feed over the outbox: events after a cursor, in order. A module sees its own tenant's
 * events (and changes to the GLOBAL trust anchors its bundles include); an admin sees every
 * tenant's, or one tenant's when it names it. The cursor is the
 * event's sequence number, so a consumer resumes exactly where it stopped.
 */
public final class EventFeed {
    public static final int MAX_PAGE = 1000;
    public static final int DEFAULT_PAGE = 100;

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
        if (tenant != null && !Tenancy.mayActFor(caller, tenant)) {
            throw new KmsException(ErrorCode.UNAUTHORIZED, "caller " + caller.moduleId() + " may not read tenant "
                    + tenant + "'s events", Map.of("tenant_id", tenant));
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
        List<EventOutbox.StoredEvent> events = outbox.after(Math.max(after, pruned), tenant, size);
        long next = events.isEmpty() ? Math.max(after, pruned) : events.get(events.size() - 1).seq();
        return new Page(events, next, pruned);
    }
}
