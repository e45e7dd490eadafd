package com.zeroui.kms.api;

import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.keys.ServiceKeyPurpose;
import io.javalin.http.Context;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/** GET /service-keys: the service's signing keys of every purpose (or one), with their validity. */
final class ServiceKeyRoutes {
    private final Supplier<List<Map<String, Object>>> keys;

    ServiceKeyRoutes(Supplier<List<Map<String, Object>>> keys) {
        this.keys = keys;
    }

    void list(Context ctx) {
        QueryParams.rejectUnknown(ctx, Set.of("purpose"));
        String purpose = QueryParams.optional(ctx, "purpose").map(p -> ServiceKeyPurpose.fromApiName(p)
                .orElseThrow(() -> KmsException.invalid("purpose", "purpose must be one of " + Arrays.stream(
                        ServiceKeyPurpose.values()).map(ServiceKeyPurpose::apiName).toList())).apiName()).orElse(null);
        List<Map<String, Object>> listed = keys.get().stream()
                .filter(k -> purpose == null || purpose.equals(k.get("purpose"))).toList();
        ctx.json(Map.of("keys", listed));
    }
}
