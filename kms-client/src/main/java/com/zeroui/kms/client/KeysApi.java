package com.zeroui.kms.client;

import com.zeroui.kms.client.Transport.Repeat;
import com.zeroui.kms.client.model.AccessPolicy;
import com.zeroui.kms.client.model.ImportParams;
import com.zeroui.kms.client.model.Jwks;
import com.zeroui.kms.client.model.KeyMetadata;
import com.zeroui.kms.client.model.KeyPage;
import com.zeroui.kms.client.model.KeyUsage;
import com.zeroui.kms.client.model.NewKey;
import com.zeroui.kms.client.model.PublicKeyInfo;
import com.zeroui.kms.client.model.RotateResult;
import java.util.Map;

/**
 * Key management: generate, import (BYOK), read, list, rotate, revoke, destroy, change policy, public keys and JWKS.
 * A key is named by its id or by {@code alias/<name>}; calls without a {@link Scope} use the client's.
 */
public final class KeysApi {
    private final Transport http;
    private final Scope scope;

    KeysApi(Transport http, Scope scope) {
        this.http = http;
        this.scope = scope;
    }

    /** The same calls in another tenant, environment or plane. */
    public KeysApi in(Scope other) {
        return new KeysApi(http, other);
    }

    public KeyMetadata create(NewKey key) {
        Body body = Body.of(scope()).put("key_type", key.keyType()).put("key_usage", key.keyUsage())
                .put("key_alias", key.keyAlias()).put("access_policy", key.accessPolicy())
                .put("rotation_period", key.rotationPeriod()).put("protection_level", key.protectionLevel())
                .put("approval_token", key.approvalToken());
        // generating twice is worse than failing once: repeat only what never reached the service
        return http.post("/keys", body.map(), KeyMetadata.class, Repeat.ONLY_IF_REFUSED);
    }

    /** A one-time wrapping key for importing material of {@code keyType} (BYOK, step one). */
    public ImportParams importParams(String keyType) {
        Body body = Body.of(scope()).put("key_type", keyType);
        // each call makes a new one-time wrapping key: repeat only what never reached the service
        return http.post("/keys/import-params", body.map(), ImportParams.class, Repeat.ONLY_IF_REFUSED);
    }

    /**
     * Creates a key ({@code origin: external}) from material already wrapped for {@code importToken}
     * (BYOK, step two). {@code key} gives usage, alias, policy, rotation period and approval token; its
     * key type is the import token's.
     */
    public KeyMetadata importKey(String importToken, byte[] wrappedKeyMaterial, NewKey key) {
        if (key.protectionLevel() != null) {
            throw new IllegalArgumentException("imported keys are software keys: protection level cannot be chosen");
        }
        Body body = Body.of(scope()).put("import_token", importToken)
                .put("wrapped_key_material", wrappedKeyMaterial)
                .put("key_usage", key.keyUsage()).put("key_alias", key.keyAlias()).put("access_policy", key.accessPolicy())
                .put("rotation_period", key.rotationPeriod()).put("approval_token", key.approvalToken());
        // the import token is single-use: a repeat after a lost answer could only fail
        return http.post("/keys/import", body.map(), KeyMetadata.class, Repeat.ONLY_IF_REFUSED);
    }

    /**
     * BYOK in one call: fetches import parameters for {@code key.keyType()}, wraps {@code material} for
     * them on this side ({@link KeyMaterialWrapping}), and imports it. The material never leaves this
     * process unwrapped; the caller may wipe it afterwards.
     */
    public KeyMetadata importKey(NewKey key, byte[] material) {
        ImportParams params = importParams(key.keyType());
        if (!KeyMaterialWrapping.ALGORITHM.equals(params.wrappingAlgorithm())) {
            throw new IllegalStateException("the service asks for wrapping algorithm " + params.wrappingAlgorithm()
                    + "; this client knows " + KeyMaterialWrapping.ALGORITHM);
        }
        return importKey(params.importToken(), KeyMaterialWrapping.wrap(params.wrappingPublicKey(), material), key);
    }

    public KeyMetadata get(String keyId) {
        return http.get(keyPath(keyId), Body.query(scope()), KeyMetadata.class);
    }

    /** One page; {@code filters} are the API's query parameters (key_type, key_state, alias, limit, cursor …). */
    public KeyPage list(Map<String, ?> filters) {
        Map<String, Object> q = Body.query(scope);
        if (filters != null) {
            q.putAll(filters);
        }
        return http.get("/keys", q, KeyPage.class);
    }

    public PublicKeyInfo publicKey(String keyId) {
        return http.get(keyPath(keyId) + "/public", Body.query(scope()), PublicKeyInfo.class);
    }

    public KeyUsage usage(String keyId) {
        return http.get(keyPath(keyId) + "/usage", Body.query(scope()), KeyUsage.class);
    }

    public Jwks jwks() {
        return http.get("/jwks", Body.query(scope), Jwks.class);
    }

    /** A successor of the same type, usage, policy and alias; {@code approvalToken} when dual authorization applies. */
    public RotateResult rotate(String keyId, boolean emergency, String approvalToken) {
        Body body = Body.of(scope()).put("approval_token", approvalToken).put("emergency", emergency ? Boolean.TRUE : null);
        return http.post(keyPath(keyId) + "/rotate", body.map(), RotateResult.class, Repeat.ONLY_IF_REFUSED);
    }

    /** {@code reason}: compromised, retired or policy_violation. */
    public KeyMetadata revoke(String keyId, String reason, String approvalToken) {
        Body body = Body.of(scope()).put("reason", reason).put("approval_token", approvalToken);
        return http.post(keyPath(keyId) + "/revoke", body.map(), KeyMetadata.class, Repeat.SAFE);
    }

    public KeyMetadata scheduleDestruction(String keyId, Integer waitingPeriodDays, String approvalToken) {
        Body body = Body.of(scope()).put("waiting_period_days", waitingPeriodDays).put("approval_token", approvalToken);
        return http.post(keyPath(keyId) + "/schedule-destruction", body.map(), KeyMetadata.class, Repeat.SAFE);
    }

    public KeyMetadata cancelDestruction(String keyId, String approvalToken) {
        Body body = Body.of(scope()).put("approval_token", approvalToken);
        return http.post(keyPath(keyId) + "/cancel-destruction", body.map(), KeyMetadata.class, Repeat.SAFE);
    }

    /** Replaces the whole policy: every field of {@code policy} is required by the service. */
    public KeyMetadata updatePolicy(String keyId, AccessPolicy policy, String approvalToken) {
        Body body = Body.of(scope()).put("allowed_modules", policy.allowedModules())
                .put("requires_approval", policy.requiresApproval()).put("max_usage_per_day", policy.maxUsagePerDay())
                .put("approval_token", approvalToken);
        return http.put(keyPath(keyId) + "/policy", body.map(), KeyMetadata.class);
    }

    private Scope scope() {
        if (scope == null) {
            throw new IllegalStateException("no scope: build the client with scope(tenant, environment, plane) or call in(scope)");
        }
        return scope;
    }

    /** {@code /keys/<id>} or {@code /keys/alias/<name>}: the service takes the alias form's slash literally. */
    static String keyPath(String keyId) {
        if (keyId.startsWith("alias/")) {
            return "/keys/alias/" + Transport.segment(keyId.substring("alias/".length()));
        }
        return "/keys/" + Transport.segment(keyId);
    }
}
