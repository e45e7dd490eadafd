package com.zeroui.kms.api;

import com.zeroui.kms.audit.Audited;
import com.zeroui.kms.crypto.Jwks;
import com.zeroui.kms.crypto.Pem;
import com.zeroui.kms.crypto.SignatureAlgorithm;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.keys.Environment;
import com.zeroui.kms.keys.KeyRecord;
import com.zeroui.kms.keys.KeyRef;
import com.zeroui.kms.keys.KeyScope;
import com.zeroui.kms.keys.Plane;
import com.zeroui.kms.keys.PublicKeys;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** GET /keys/{key_id}/public (PEM and JWK) and GET /jwks (a scope's signing keys as a JWK Set, RFC 7517 §5). */
final class PublicKeyRoutes {
    private static final Set<String> SCOPE_PARAMS = Set.of("tenant_id", "environment", "plane");

    private final PublicKeys publicKeys;
    private final Callers callers;

    PublicKeyRoutes(PublicKeys publicKeys, Callers callers) {
        this.publicKeys = publicKeys;
        this.callers = callers;
    }

    void publicKey(Context ctx) {
        QueryParams.rejectUnknown(ctx, SCOPE_PARAMS);
        KeyRef ref = KeyRef.parse("key_id", ctx.pathParam("key_id"));
        String tenant = QueryParams.optional(ctx, "tenant_id").map(t -> Fields.tenantId("tenant_id", t)).orElse(null);
        Environment environment = QueryParams.optionalEnum(ctx, "environment", Environment::fromApiName, Fields.ENVIRONMENTS);
        Plane plane = QueryParams.optionalEnum(ctx, "plane", Plane::fromApiName, Fields.PLANES);
        Audited<KeyRecord> read = publicKeys.publicKey(Callers.of(ctx), tenant, environment, plane, ref);
        KeyRecord key = read.value();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("key_id", key.keyId());
        body.put("tenant_id", key.tenantId());
        body.put("environment", key.scope().environment().apiName());
        body.put("plane", key.scope().plane().apiName());
        body.put("key_type", key.type().apiName());
        body.put("key_state", key.state().apiName());
        body.put("algorithm", SignatureAlgorithm.defaultFor(key.type()).apiName());
        body.put("public_key", Pem.publicKey(key.publicKeySpki()));
        body.put("jwk", Jwks.publicJwk(key.type(), key.publicKeySpki(), key.keyId()));
        Receipts.respond(ctx, 200, body, read.receiptId());
    }

    /** Open to callers without a client certificate (relying parties); audited when the caller presents one. */
    void jwks(Context ctx) {
        callers.authenticateIfPresented(ctx);
        QueryParams.rejectUnknown(ctx, SCOPE_PARAMS);
        String tenant = Fields.tenantId("tenant_id", QueryParams.optional(ctx, "tenant_id")
                .orElseThrow(() -> KmsException.invalid("tenant_id", "tenant_id is required")));
        Environment environment = required("environment",
                QueryParams.optionalEnum(ctx, "environment", Environment::fromApiName, Fields.ENVIRONMENTS), Fields.ENVIRONMENTS);
        Plane plane = required("plane", QueryParams.optionalEnum(ctx, "plane", Plane::fromApiName, Fields.PLANES), Fields.PLANES);
        Audited<List<KeyRecord>> keys = publicKeys.signingKeys(Callers.ifAuthenticated(ctx).orElse(null),
                new KeyScope(tenant, environment, plane));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("keys", keys.value().stream().map(k -> Jwks.publicJwk(k.type(), k.publicKeySpki(), k.keyId())).toList());
        if (keys.receiptId() != null) {
            Receipts.respond(ctx, 200, body, keys.receiptId());
        } else {
            ctx.json(body);
        }
    }

    private static <E> E required(String name, E value, List<String> allowed) {
        if (value == null) {
            throw KmsException.invalid(name, name + " is required (one of " + allowed + ")");
        }
        return value;
    }
}
