package com.zeroui.kms.app;

import com.zeroui.kms.approvals.ApprovalTokens;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.crypto.FipsModule;
import com.zeroui.kms.crypto.KeyType;
import com.zeroui.kms.events.NatsEventSink;
import com.zeroui.kms.events.WebhookEventSink;
import com.zeroui.kms.keys.AeadInvocationBudget;
import com.zeroui.kms.keys.DualAuthorization;
import com.zeroui.kms.keystore.MasterKeyProvider;
import com.zeroui.kms.ops.KmsConfig;
import com.zeroui.kms.trust.pki.OcspResponder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The effective configuration {@code GET /config} shows and compliance reports record. */
final class EffectiveConfig {
    private EffectiveConfig() {
    }

    static Map<String, Object> of(KmsConfig config, CryptoSuite crypto, AeadInvocationBudget budget, MasterKeyProvider masterKey) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key_rotation_schedule", config.rotationSchedule().toString());
        m.put("rotation_grace_period", config.rotationGracePeriod().toString());
        m.put("allowed_algorithms", crypto.servedAlgorithms()); // the registry's algorithms this suite serves
        m.put("key_types", java.util.Arrays.stream(KeyType.values()).filter(t -> crypto.refusal(t).isEmpty())
                .map(KeyType::apiName).toList());
        m.put("fips_mode", crypto.fipsModule().isPresent());
        m.put("fips_module", crypto.fipsModule().map(f -> fipsDescription(f, crypto)).orElse(null));
        m.put("max_usage_per_day_default", config.maxUsagePerDayDefault());
        m.put("auto_rotation", config.lifecycle().autoRotation());
        m.put("destruction_waiting_period", "P" + config.lifecycle().destructionWindowDays() + "D");
        m.put("lifecycle_scheduler_interval", config.lifecycle().schedulerInterval().toString());
        m.put("dual_authorization_required_operations", config.approvals().rules().alwaysRequiredSorted());
        Map<String, Object> dual = new LinkedHashMap<>();
        dual.put("always", config.approvals().rules().alwaysRequiredSorted());
        dual.put("global_tenant_keys", config.approvals().globalTenantKeys()
                ? new java.util.TreeSet<>(DualAuthorization.OPERATIONS).stream().toList() : List.of());
        dual.put("keys_with_requires_approval", new java.util.TreeSet<>(DualAuthorization.LIFECYCLE_OPERATIONS).stream().toList());
        dual.put("token_ttl", config.approvals().tokenTtl().toString());
        dual.put("request_ttl", config.approvals().requestTtl().toString());
        dual.put("token_issuer", ApprovalTokens.ISSUER);
        dual.put("external_issuers", config.approvals().issuerNames());
        m.put("dual_authorization", dual);
        Map<String, Object> rates = new LinkedHashMap<>();
        rates.put("per_key", Map.of("rate_per_second", config.limits().keyRatePerSecond(), "burst", config.limits().keyBurst()));
        rates.put("per_caller", Map.of("rate_per_second", config.limits().callerRatePerSecond(),
                "burst", config.limits().callerBurst()));
        rates.put("scope", "per node");
        m.put("rate_limits", rates);
        m.put("policy_violation_threshold", Map.of("violations", config.limits().violationThreshold(),
                "window", config.limits().violationWindow().toString()));
        m.put("master_key_provider", config.masterKey().provider().apiName());
        m.put("master_key_id", new CurrentValue(masterKey::keyId)); // read at every request: a rotation changes it
        Map<String, Object> levels = new LinkedHashMap<>();
        for (com.zeroui.kms.keystore.ProtectionLevel level : com.zeroui.kms.keystore.ProtectionLevel.values()) {
            boolean usable = level != com.zeroui.kms.keystore.ProtectionLevel.HSM
                    || config.masterKey().provider() == com.zeroui.kms.keystore.MasterKeySettings.Kind.PKCS11;
            levels.put(level.apiName(), usable ? level.keyTypes().stream().map(KeyType::apiName).toList() : List.of());
        }
        m.put("protection_levels", levels);
        m.put("crypto_provider", crypto.preferredProvider());
        m.put("crypto_providers", crypto.providersByPrimitive());
        m.put("max_request_bytes", config.maxRequestBytes());
        m.put("aead_invocation_limit_per_key", budget.limit());
        m.put("trust_domain", config.trustDomain());
        m.put("tls_protocols", List.of("TLSv1.3", "TLSv1.2"));
        m.put("storage", config.databaseUrl().startsWith("jdbc:sqlite:") ? "sqlite" : "postgresql");
        Map<String, Object> events = new LinkedHashMap<>();
        events.put("enabled", config.events().enabled().stream().map(t -> t.apiName()).sorted().toList());
        events.put("nats", config.events().natsUrl() == null ? null : Map.of("url", config.events().natsUrl().toString(),
                "stream", config.events().natsStream(), "subjects", NatsEventSink.SUBJECT_PREFIX + "<event_type>"));
        events.put("webhooks", config.events().webhookUrls().stream().map(WebhookEventSink::nameFor).toList());
        events.put("sink_lag_threshold", config.events().lagThreshold().toString());
        m.put("events", events);
        Map<String, Object> jwt = new LinkedHashMap<>();
        jwt.put("required", config.jwt().required());
        jwt.put("issuers", config.jwt().issuers().stream().map(i -> i.issuer()).distinct().toList());
        jwt.put("exempt", config.jwt().exemptSpiffeIds().stream().sorted().toList());
        jwt.put("clock_skew_seconds", config.jwt().clockSkew().toSeconds());
        jwt.put("audience", config.jwt().audience());
        m.put("jwt", jwt);
        Map<String, Object> certificates = new LinkedHashMap<>();
        certificates.put("max_ttl", config.pki().maxCertificateTtl().toString());
        certificates.put("crl_validity", config.pki().crlValidity().toString());
        certificates.put("ocsp_response_validity", OcspResponder.RESPONSE_VALIDITY.toString());
        certificates.put("public_url", config.pki().publicUrl() == null ? null : config.pki().publicUrl().toString());
        m.put("certificates", certificates);
        return m;
    }

    /** What config shows of the FIPS module: which one, its state, and what it refuses. */
    private static Map<String, Object> fipsDescription(FipsModule fips, CryptoSuite crypto) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", fips.moduleName());
        m.put("version", fips.moduleVersion());
        m.put("provider", fips.provider().getName());
        m.put("provider_info", fips.providerInfo());
        m.put("tls_provider", fips.jsseProvider().getName() + " " + fips.jsseProvider().getVersionStr());
        m.put("approved_only", fips.approvedOnly());
        m.put("self_test", fips.selfTestStatus());
        m.put("refused_algorithms", crypto.refusedNames());
        return m;
    }
}
