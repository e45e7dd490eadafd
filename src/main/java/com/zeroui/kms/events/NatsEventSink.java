package com.zeroui.kms.events;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Publishes events to NATS JetStream on {@code kms.events.<event_type>}. Each event is published
 * with {@code Nats-Msg-Id = event_id}, so JetStream drops a re-sent duplicate within its
 * duplicate window, and synchronously, one after another: an event is never stored before an
 * earlier one of the batch, which keeps per-key order even when a publish fails half-way.
 * The connection is made lazily and re-made after it closes, so the service starts and serves
 * while NATS is away; the outbox holds the events until it is back.
 */
public final class NatsEventSink implements EventSink {
    public static final String SUBJECT_PREFIX = "kms.events.";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(5);

    private final URI url;
    private final String stream;
    private Connection connection; // relay thread only
    private JetStream jetStream;

    public NatsEventSink(URI url, String stream) {
        this.url = url;
        this.stream = stream;
    }

    @Override
    public String name() {
        return "nats";
    }

    @Override
    public void deliver(List<EventOutbox.StoredEvent> events) throws IOException, InterruptedException, JetStreamApiException {
        JetStream js = jetStream();
        for (EventOutbox.StoredEvent event : events) {
            Headers headers = new Headers().add("KMS-Event-Seq", Long.toString(event.seq()))
                    .add("KMS-Tenant-Id", event.tenantId());
            PublishOptions options = PublishOptions.builder().messageId(event.eventId()).stream(stream)
                    .streamTimeout(PUBLISH_TIMEOUT).build();
            PublishAck ack = js.publish(SUBJECT_PREFIX + event.type().apiName(), headers,
                    event.json().getBytes(StandardCharsets.UTF_8), options);
            if (ack.hasError()) {
                throw new IOException("JetStream refused event " + event.eventId() + ": " + ack.getError());
            }
        }
    }

    private JetStream jetStream() throws IOException, InterruptedException, JetStreamApiException {
        if (connection != null && connection.getStatus() == Connection.Status.CONNECTED) {
            return jetStream;
        }
        if (connection != null && connection.getStatus() != Connection.Status.CLOSED) {
            throw new IOException("NATS " + url + " is " + connection.getStatus().name().toLowerCase());
        }
        Options options = new Options.Builder().server(url.toString()).connectionName("kms-events")
                .connectionTimeout(CONNECT_TIMEOUT).maxReconnects(-1).reconnectWait(Duration.ofMillis(500))
                .reconnectBufferSize(-1) // never buffer while disconnected: a publish fails and the outbox keeps it
                .errorListener(new io.nats.client.ErrorListener() { })
                .build();
        Connection c = Nats.connect(options);
        try {
            ensureStream(c.jetStreamManagement());
            jetStream = c.jetStream();
            connection = c;
            return jetStream;
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private void ensureStream(JetStreamManagement jsm) throws IOException, JetStreamApiException {
        try {
            jsm.getStreamInfo(stream);
        } catch (JetStreamApiException e) {
            if (e.getErrorCode() != 404) {
                throw e;
            }
            jsm.addStream(StreamConfiguration.builder().name(stream).subjects(SUBJECT_PREFIX + ">")
                    .storageType(StorageType.File).duplicateWindow(Duration.ofMinutes(10)).build());
        }
    }

    @Override
    public void close() {
        Connection c = connection;
        connection = null;
        if (c != null) {
            try {
                c.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
