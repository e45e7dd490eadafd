package com.zeroui.kms.client;

import java.util.LinkedHashMap;
import java.util.Map;

/** A JSON request body under construction: absent (null) fields are left out, as the API expects. */
final class Body {
    private final Map<String, Object> fields = new LinkedHashMap<>();

    static Body of(Scope scope) {
        Body b = new Body();
        if (scope != null) {
            b.put("tenant_id", scope.tenantId()).put("environment", scope.environment()).put("plane", scope.plane());
        }
        return b;
    }

    static Body empty() {
        return new Body();
    }

    Body put(String name, Object value) {
        if (value != null) {
            fields.put(name, value instanceof byte[] bytes ? java.util.Base64.getEncoder().encodeToString(bytes) : value);
        }
        return this;
    }

    Map<String, Object> map() {
        return fields;
    }

    /** The scope as query parameters, for GETs that address a key. */
    static Map<String, Object> query(Scope scope) {
        Map<String, Object> q = new LinkedHashMap<>();
        if (scope != null) {
            q.put("tenant_id", scope.tenantId());
            q.put("environment", scope.environment());
            q.put("plane", scope.plane());
        }
        return q;
    }
}
