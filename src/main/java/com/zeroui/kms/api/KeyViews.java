package com.zeroui.kms.api;

import com.zeroui.kms.crypto.Pem;
import com.zeroui.kms.keys.KeyLifecycle;
import com.zeroui.kms.keys.KeyRecord;
import com.zeroui.kms.keys.KeyUsage;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** KeyMetadata as the spec's schema names it; public_key is PEM SPKI, null for AES keys. */
final class KeyViews {
    private KeyViews() {
    }

    static Map<String, Object> metadata(KeyRecord key) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key_id", key.keyId());
        m.put("tenant_id", key.tenantId());
        m.put("environment", key.scope().environment().apiName());
        m.put("plane", key.scope().plane().apiName());
        m.put("key_type", key.type().apiName());
        m.put("key_usage", key.usage().stream().map(KeyUsage::apiName).toList());
        m.put("key_alias", key.alias());
        m.put("public_key", key.publicKeySpki() == null ? null : Pem.publicKey(key.publicKeySpki()));
        m.put("key_state", key.state().apiName());
        m.put("created_at", iso(key.createdAt()));
        m.put("valid_from", iso(key.validFrom()));
        m.put("valid_until", iso(key.validUntil()));
        m.put("rotation_count", key.rotationCount());
        Map<String, Object> policy = new LinkedHashMap<>();
        policy.put("allowed_modules", key.policy().allowedModules());
        policy.put("requires_approval", key.policy().requiresApproval());
        policy.put("max_usage_per_day", key.policy().maxUsagePerDay());
        m.put("access_policy", policy);
        m.put("key_size_bits", key.type().sizeBits());
        m.put("protection_level", key.protectionLevel().apiName());
        m.put("created_by", key.createdBy());
        m.put("origin", key.origin().apiName());
        KeyLifecycle l = key.lifecycle();
        m.put("rotation_period", l.rotationPeriodDays() == null ? null : "P" + l.rotationPeriodDays() + "D");
        m.put("predecessor_key_id", l.predecessorKeyId());
        m.put("successor_key_id", l.successorKeyId());
        m.put("revoked_at", iso(l.revokedAt()));
        m.put("revocation_reason", l.revocationReason() == null ? null : l.revocationReason().apiName());
        m.put("destroy_after", iso(l.destroyAfter()));
        m.put("destroyed_at", iso(l.destroyedAt()));
        return m;
    }

    static String iso(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
