package com.zeroui.kms.app;

import com.zeroui.kms.approvals.ApprovalGate;
import com.zeroui.kms.approvals.ApprovalIssuer;
import com.zeroui.kms.approvals.ApprovalService;
import com.zeroui.kms.approvals.ApprovalTokens;
import com.zeroui.kms.audit.AuditTrail;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.keys.KeyLifecycleService;
import com.zeroui.kms.keys.LifecycleScheduler;
import com.zeroui.kms.keys.LifecycleSettings;
import com.zeroui.kms.limits.DailyUsage;
import com.zeroui.kms.limits.RateLimiter;
import com.zeroui.kms.limits.UsageGate;
import com.zeroui.kms.limits.ViolationMonitor;
import com.zeroui.kms.ops.KmsConfig;
import com.zeroui.kms.ops.Metrics;
import com.zeroui.kms.store.JdbcApprovalRepository;
import com.zeroui.kms.store.JdbcUsageCounter;
import java.time.Clock;
import java.util.List;

/**
 * Policy and lifecycle wiring: dual authorization, usage limits, the policy-violation monitor and
 * the key lifecycle service with its scheduler.
 */
record LifecycleWiring(ApprovalGate approvalGate, ApprovalService approvals, UsageGate usage,
                       KeyLifecycleService lifecycle, LifecycleScheduler scheduler) {

    static LifecycleWiring start(KmsConfig config, Clock clock, CryptoSuite crypto, DataDirectory data, KeysWiring keys,
                                 AuditTrail trail, Metrics metrics) {
        ApprovalGate approvalGate = approvalGate(config, clock, crypto, keys.serviceKeyChains(), data);
        ApprovalService approvals = new ApprovalService(new JdbcApprovalRepository(data.database()), keys.keys(),
                approvalGate.tokens(), trail, clock, config.approvals().requestTtl(), config.approvals().tokenTtl());
        UsageGate usage = new UsageGate(
                new RateLimiter(config.limits().callerRatePerSecond(), config.limits().callerBurst(), System::nanoTime),
                new RateLimiter(config.limits().keyRatePerSecond(), config.limits().keyBurst(), System::nanoTime),
                new DailyUsage(new JdbcUsageCounter(data.database()), clock), clock);
        // policy violations are counted per module; past the (opt-in) threshold the key is revoked
        ViolationMonitor violations = new ViolationMonitor(config.limits().violationThreshold(),
                config.limits().violationWindow(), clock, metrics::recordPolicyViolation);
        trail.observeRefusals(violations);
        KeyLifecycleService lifecycle = new KeyLifecycleService(keys.keys(), keys.material(), crypto, clock,
                data.masterKey().keyId(), trail, approvalGate, new LifecycleSettings(
                config.rotationSchedule(), config.rotationGracePeriod(), config.lifecycle().destructionWindowDays(),
                config.lifecycle().autoRotation()));
        LifecycleScheduler lifecycleScheduler = new LifecycleScheduler(lifecycle, clock);
        if (violations.detecting()) {
            violations.onThresholdExceeded(lifecycle::revokeAfterViolations);
        }
        return new LifecycleWiring(approvalGate, approvals, usage, lifecycle, lifecycleScheduler);
    }

    /**
     * The two-person rule: tokens this service mints are signed by its approval key (a managed
     * GLOBAL key only the service can use, like the receipt key); registered governance issuers'
     * keys are read now, so a bad key file stops start-up.
     */
    private static ApprovalGate approvalGate(KmsConfig config, Clock clock, CryptoSuite crypto,
                                             ServiceKeyDirectory serviceKeys, DataDirectory data) {
        List<ApprovalIssuer> issuers = config.approvals().externalIssuers().stream()
                .map(i -> ApprovalIssuer.load(i.name(), i.publicKeyPem(), crypto)).toList();
        ApprovalTokens tokens = new ApprovalTokens(serviceKeys.approvalKeys(crypto), issuers, crypto);
        return new ApprovalGate(config.approvals().rules(), tokens, new JdbcApprovalRepository(data.database()), clock);
    }
}
