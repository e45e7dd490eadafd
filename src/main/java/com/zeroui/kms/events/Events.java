package com.zeroui.kms.events;

import com.zeroui.kms.crypto.RandomIds;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Makes events for the types this node is configured to emit. A disabled type yields nothing, so
 * callers write {@code events.make(...).ifPresent(...)} and never branch on configuration.
 */
public final class Events {
    private final Set<EventType> enabled;
    private final Clock clock;

    public Events(Set<EventType> enabled, Clock clock) {
        this.enabled = enabled.isEmpty() ? EnumSet.noneOf(EventType.class) : EnumSet.copyOf(enabled);
        this.clock = clock;
    }

    public static Events none(Clock clock) {
        return new Events(Set.of(), clock);
    }

    public boolean enabled(EventType type) {
        return enabled.contains(type);
    }

    public Set<EventType> enabledTypes() {
        return Set.copyOf(enabled);
    }

    public Optional<KmsEvent> make(EventType type, String tenantId, String environment, String plane, String orderingKey,
                                   Map<String, Object> payload) {
        if (!enabled.contains(type)) {
            return Optional.empty();
        }
        return Optional.of(new KmsEvent(RandomIds.uuid7(clock), type, clock.instant().truncatedTo(ChronoUnit.MILLIS),
                tenantId, environment, plane, orderingKey, payload));
    }
}
