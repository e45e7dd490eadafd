package com.zeroui.kms.api;

import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.ops.HealthService;
import com.zeroui.kms.ops.Metrics;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/** GET /health, /metrics, /config, /openapi.json. */
final class OpsRoutes {
    private final HealthService health;
    private final Metrics metrics;
    private final Map<String, Object> effectiveConfig;
    private final byte[] openApi;
    private final ObjectMapper mapper;
    private volatile RenderedHealth lastHealth;

    OpsRoutes(HealthService health, Metrics metrics, Map<String, Object> effectiveConfig, ObjectMapper mapper) {
        this.health = health;
        this.mapper = mapper;
        this.metrics = metrics;
        this.effectiveConfig = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(effectiveConfig));
        this.openApi = OpenApiDocument.load(new com.fasterxml.jackson.databind.ObjectMapper());
    }

    /** Always 200 with the status in the body, as the spec's schema has it; probes read {@code status}. */
    void health(Context ctx) {
        HealthService.Report report = health.check();
        RenderedHealth rendered = lastHealth;
        if (rendered == null || !rendered.report().equals(report)) {
            // probes poll far more often than a check changes: render once per distinct report
            rendered = new RenderedHealth(report, render(report));
            lastHealth = rendered;
        }
        // load balancers read the status code: only unhealthy takes the node out; degraded still serves
        ctx.status("unhealthy".equals(report.status()) ? 503 : 200).contentType("application/json").result(rendered.body());
    }

    private byte[] render(HealthService.Report report) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", report.status());
        body.put("checks", report.checks().stream().map(c -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", c.name());
            m.put("status", c.status());
            if (c.detail() != null) {
                m.put("detail", c.detail());
            }
            return m;
        }).toList());
        body.putAll(report.info());
        try {
            return mapper.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("health report not serializable", e);
        }
    }

    private record RenderedHealth(HealthService.Report report, byte[] body) {
    }

    void metrics(Context ctx) {
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
    }

    void config(Context ctx) {
        ctx.json(effectiveConfig);
    }

    void openApi(Context ctx) {
        ctx.contentType("application/json").result(openApi);
    }

    static void requireNoBody(Context ctx) {
        if (ctx.bodyAsBytes().length > 0) {
            throw KmsException.invalid("body", ctx.method() + " " + ctx.path() + " takes no request body");
        }
    }
}
