package com.zeroui.kms.ops;

import com.zeroui.kms.events.EventType;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which events are emitted and where they are delivered. The outbox and the pull feed always
 * exist; NATS and webhooks are optional sinks fed from the outbox.
 *
 * @param enabled        event types written to the outbox (default: all)
 * @param natsUrl        NATS server with JetStream, e.g. nats://127.0.0.1:4222; null: no NATS sink
 * @param natsStream     JetStream stream that captures {@code kms.events.>} (created when missing)
 * @param webhookUrls    each gets every event, at least once, in order
 * @param lagThreshold   a sink whose oldest undelivered event is older than this is reported degraded
 */
public record EventsConfig(Set<EventType> enabled, URI natsUrl, String natsStream, List<URI> webhookUrls,
                           Duration lagThreshold) {
    private static final Pattern STREAM = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public EventsConfig {
        enabled = enabled.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(enabled));
        webhookUrls = List.copyOf(webhookUrls);
    }

    public static EventsConfig defaults() {
        return new EventsConfig(EnumSet.allOf(EventType.class), null, "KMS_EVENTS", List.of(), Duration.ofSeconds(60));
    }

    /** Parses "all", "none", or a comma-separated list of event types (e.g. from KMS_EVENTS). */
    public static Set<EventType> parseTypes(String spec) {
        String s = spec == null ? "all" : spec.trim().toLowerCase(Locale.ROOT);
        if (s.isEmpty() || s.equals("all")) {
            return EnumSet.allOf(EventType.class);
        }
        if (s.equals("none")) {
            return EnumSet.noneOf(EventType.class);
        }
        Set<EventType> types = EnumSet.noneOf(EventType.class);
        for (String name : s.split(",")) {
            String n = name.trim();
            types.add(EventType.fromApiName(n).orElseThrow(() -> new IllegalArgumentException(
                    "invalid configuration: event type '" + n + "' is not one of " + Arrays.toString(EventType.values())
                            + " (or all/none)")));
        }
        return types;
    }

    void validate(List<String> problems) {
        if (natsUrl != null && !List.of("nats", "tls").contains(natsUrl.getScheme())) {
            problems.add("NATS URL must be nats:// or tls://: " + natsUrl);
        }
        if (natsStream == null || !STREAM.matcher(natsStream).matches()) {
            problems.add("NATS stream name '" + natsStream + "' must match " + STREAM.pattern());
        }
        for (URI url : webhookUrls) {
            if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme()))) {
                problems.add("event webhook URL must be http:// or https://: " + url);
            }
        }
        if (webhookUrls.size() != new java.util.HashSet<>(webhookUrls).size()) {
            problems.add("event webhook URLs must be distinct");
        }
        if (lagThreshold.isNegative() || lagThreshold.isZero()) {
            problems.add("event sink lag threshold must be positive");
        }
    }

    public EventsConfig withNats(URI url) {
        return new EventsConfig(enabled, url, natsStream, webhookUrls, lagThreshold);
    }

    public EventsConfig withStream(String stream) {
        return new EventsConfig(enabled, natsUrl, stream, webhookUrls, lagThreshold);
    }

    public EventsConfig withWebhooks(List<URI> urls) {
        return new EventsConfig(enabled, natsUrl, natsStream, new ArrayList<>(urls), lagThreshold);
    }

    public EventsConfig withEnabled(Set<EventType> types) {
        return new EventsConfig(types, natsUrl, natsStream, webhookUrls, lagThreshold);
    }

    public EventsConfig withLagThreshold(Duration threshold) {
        return new EventsConfig(enabled, natsUrl, natsStream, webhookUrls, threshold);
    }
}
