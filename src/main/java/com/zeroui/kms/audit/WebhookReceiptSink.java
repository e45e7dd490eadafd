package com.zeroui.kms.audit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * POSTs batches of receipts as {@code {"receipts": [ <receipt>, ... ]}} to a configured URL, and
 * signed tree heads as {@code {"receipts": [], "tree_heads": [ <head>, ... ]}}; any 2xx
 * acknowledges the batch. Receivers deduplicate by {@code receipt_id} and {@code tree_size}: after a
 * failure or a restart the same receipts and heads may be sent again.
 */
public final class WebhookReceiptSink implements ReceiptSink {
    private final URI url;
    private final HttpClient http;

    public WebhookReceiptSink(URI url) {
        this.url = url;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Override
    public String name() {
        return "webhook";
    }

    @Override
    public void deliver(List<AuditRepository.ReceiptRow> receipts) throws IOException, InterruptedException {
        // stored receipts are canonical JSON objects: joining them gives a valid JSON array
        post(receipts.stream().map(AuditRepository.ReceiptRow::json)
                .collect(Collectors.joining(",", "{\"receipts\":[", "]}")));
    }

    @Override
    public void deliverTreeHeads(List<TreeHead> heads) throws IOException, InterruptedException {
        post(heads.stream().map(h -> CanonicalJson.string(h.view()))
                .collect(Collectors.joining(",", "{\"receipts\":[],\"tree_heads\":[", "]}")));
    }

    private void post(String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status < 200 || status > 299) {
            throw new IOException("receipt webhook " + url + " answered HTTP " + status);
        }
    }
}
