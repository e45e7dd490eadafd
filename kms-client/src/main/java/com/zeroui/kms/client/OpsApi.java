package com.zeroui.kms.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.zeroui.kms.client.Transport.Repeat;
import com.zeroui.kms.client.model.Health;
import com.zeroui.kms.client.model.LoginLink;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Health, configuration, compliance, metrics, the OpenAPI document and console sign-in links. */
public final class OpsApi {
    private final Transport http;

    OpsApi(Transport http) {
        this.http = http;
    }

    /** Health is answered with 503 when unhealthy; that answer is returned, not thrown. */
    public Health health() {
        return http.getAllowing("/health", 503, Health.class);
    }

    /** The effective read-only configuration (allowed_algorithms, rotation schedule, limits …). */
    public JsonNode config() {
        return http.get("/config", Map.of(), JsonNode.class);
    }

    public JsonNode compliance() {
        return http.get("/compliance", Map.of(), JsonNode.class);
    }

    public JsonNode openApi() {
        return http.get("/openapi.json", Map.of(), JsonNode.class);
    }

    /** Prometheus text exposition. */
    public String metrics() {
        return new String(http.exchangeBytes("GET", "/metrics", null, null, "text/plain"), StandardCharsets.UTF_8);
    }

    public LoginLink consoleLoginLink() {
        return http.post("/console/login-links", Map.of(), LoginLink.class, Repeat.ONLY_IF_REFUSED);
    }
}
