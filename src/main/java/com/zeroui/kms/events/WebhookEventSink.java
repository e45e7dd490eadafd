package com.zeroui.kms.events;

import com.zeroui.kms.crypto.Digests;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * POSTs batches as {@code {"events": [ <envelope>, ... ]}} in sequence order; any 2xx acknowledges
 * the batch. Receivers deduplicate by {@code event_id}: after a failure or restart a batch may
 * come again. The sink's name is derived from its URL so its cursor survives restarts.
 */
public final class WebhookEventSink implements EventSink {
    private final URI url;
    private final String name;
    private final HttpClient http;

    public WebhookEventSink(URI url) {
        this.url = url;
        this.name = nameFor(url);
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** Stable per URL, without revealing it (a URL may carry credentials). */
    public static String nameFor(URI url) {
        return "webhook-" + Digests.sha256Hex(url.toString()).substring(0, 16);
    }

    @Override
    public String name() {
        return name;
    }

    public URI url() {
        return url;
    }

    @Override
    public void deliver(List<EventOutbox.StoredEvent> events) throws IOException, InterruptedException {
        // stored envelopes are canonical JSON objects: joining them gives a valid JSON array
        String body = events.stream().map(EventOutbox.StoredEvent::json)
                .collect(Collectors.joining(",", "{\"events\":[", "]}"));
        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("X-KMS-Event-Seq-Range", events.get(0).seq() + "-" + events.get(events.size() - 1).seq())
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status < 200 || status > 299) {
            throw new IOException("event webhook " + url + " answered HTTP " + status);
        }
    }

}
