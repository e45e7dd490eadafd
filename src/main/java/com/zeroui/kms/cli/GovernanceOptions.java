package com.zeroui.kms.cli;

import com.zeroui.kms.ops.AdmissionConfig;
import com.zeroui.kms.ops.ApprovalConfig;
import com.zeroui.kms.ops.KmsConfig;
import com.zeroui.kms.ops.LimitsConfig;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Dual authorization, usage limits and violation detection for {@code serve}; each option has a KMS_* twin. */
final class GovernanceOptions {
    @Option(names = "--approval-token-ttl", defaultValue = "${env:KMS_APPROVAL_TOKEN_TTL:-PT10M}",
            description = "Lifetime of an approval token (ISO-8601, PT10S..PT24H). Env KMS_APPROVAL_TOKEN_TTL. Default: ${DEFAULT-VALUE}")
    String approvalTokenTtl;

    @Option(names = "--approval-request-ttl", defaultValue = "${env:KMS_APPROVAL_REQUEST_TTL:-PT24H}",
            description = "How long a request waits for its approver (ISO-8601, PT1M..P30D). Env KMS_APPROVAL_REQUEST_TTL. Default: ${DEFAULT-VALUE}")
    String approvalRequestTtl;

    @Option(names = "--approval-required-operations",
            defaultValue = "${env:KMS_APPROVAL_REQUIRED_OPERATIONS:-emergency_rotate,schedule_destruction,update_policy}",
            description = "Operations that need dual authorization on every key (comma-separated, or none). "
                    + "Env KMS_APPROVAL_REQUIRED_OPERATIONS. Default: ${DEFAULT-VALUE}")
    String approvalRequiredOperations;

    @Option(names = "--approval-global-tenant", arity = "1", defaultValue = "${env:KMS_APPROVAL_GLOBAL_TENANT:-true}",
            description = "Every lifecycle operation on a GLOBAL-tenant key, and generating one, needs dual authorization. "
                    + "Env KMS_APPROVAL_GLOBAL_TENANT. Default: ${DEFAULT-VALUE}")
    boolean approvalGlobalTenant;

    @Option(names = "--approval-issuer",
            description = "Accept approval tokens signed by this governance issuer (NAME is its iss) with this public key: NAME=PUBLIC_KEY.pem (Ed25519 or RSA-2048), "
                    + "repeatable. Env KMS_APPROVAL_ISSUERS (comma-separated)")
    List<String> approvalIssuers = new ArrayList<>();

    @Option(names = "--max-usage-per-day-default", defaultValue = "${env:KMS_MAX_USAGE_PER_DAY_DEFAULT:-100000}",
            description = "access_policy.max_usage_per_day of keys created without one. "
                    + "Env KMS_MAX_USAGE_PER_DAY_DEFAULT. Default: ${DEFAULT-VALUE}")
    long maxUsagePerDayDefault;

    @Option(names = "--key-rate-limit", defaultValue = "${env:KMS_KEY_RATE_LIMIT:-5000}",
            description = "Sign/verify/encrypt/decrypt operations per second per key on each node (0 = no limit). Env KMS_KEY_RATE_LIMIT. Default: ${DEFAULT-VALUE}")
    double keyRate;

    @Option(names = "--key-rate-burst", defaultValue = "${env:KMS_KEY_RATE_BURST:-10000}",
            description = "Burst per key. Env KMS_KEY_RATE_BURST. Default: ${DEFAULT-VALUE}")
    long keyBurst;

    @Option(names = "--caller-rate-limit", defaultValue = "${env:KMS_CALLER_RATE_LIMIT:-10000}",
            description = "Sign/verify/encrypt/decrypt operations per second per caller identity (tenant + module) on each node (0 = no limit). Env KMS_CALLER_RATE_LIMIT. Default: ${DEFAULT-VALUE}")
    double callerRate;

    @Option(names = "--caller-rate-burst", defaultValue = "${env:KMS_CALLER_RATE_BURST:-20000}",
            description = "Burst per caller. Env KMS_CALLER_RATE_BURST. Default: ${DEFAULT-VALUE}")
    long callerBurst;

    @Option(names = "--violation-threshold", defaultValue = "${env:KMS_VIOLATION_THRESHOLD:-0}",
            description = "Policy violations on one key within --violation-window that revoke it automatically "
                    + "(0 = off; see docs/key-lifecycle.md, Usage limits). Env KMS_VIOLATION_THRESHOLD. Default: ${DEFAULT-VALUE}")
    int violationThreshold;

    @Option(names = "--violation-window", defaultValue = "${env:KMS_VIOLATION_WINDOW:-PT10M}",
            description = "Window for --violation-threshold (ISO-8601). Env KMS_VIOLATION_WINDOW. Default: ${DEFAULT-VALUE}")
    String violationWindow;

    @Option(names = "--max-concurrent-requests", defaultValue = "${env:KMS_MAX_CONCURRENT_REQUESTS:-auto}",
            description = "Admission control: API requests handled at once on this node; more wait in a bounded queue, then get "
                    + "503 with Retry-After (auto = 8 per available processor, at least 16; 0 = off; health and metrics "
                    + "are exempt; the HTTP thread pool is this + 32; docs/performance.md, ADR 0040). "
                    + "Env KMS_MAX_CONCURRENT_REQUESTS. Default: ${DEFAULT-VALUE}")
    String maxConcurrentRequests;

    @Option(names = "--max-queued-requests", defaultValue = "${env:KMS_MAX_QUEUED_REQUESTS:-auto}",
            description = "Admission control: requests that may wait for a slot (auto = as many as the slots; "
                    + "0 = refuse when all are busy). Env KMS_MAX_QUEUED_REQUESTS. Default: ${DEFAULT-VALUE}")
    String maxQueuedRequests;

    @Option(names = "--max-queue-wait", defaultValue = "${env:KMS_MAX_QUEUE_WAIT:-PT0.005S}",
            description = "Admission control: longest wait for a slot before 503 (ISO-8601; keep it well inside the "
                    + "callers' latency budget: the default is half of verify's 10 ms). Env KMS_MAX_QUEUE_WAIT. "
                    + "Default: ${DEFAULT-VALUE}")
    String maxQueueWait;

    KmsConfig.Builder applyTo(KmsConfig.Builder config) {
        List<ApprovalConfig.ExternalIssuer> issuers = new ArrayList<>();
        List<String> specs = new ArrayList<>(approvalIssuers);
        String fromEnv = System.getenv("KMS_APPROVAL_ISSUERS");
        if (fromEnv != null) {
            specs.addAll(List.of(fromEnv.split(",")));
        }
        specs.stream().map(String::trim).filter(s -> !s.isEmpty()).map(ApprovalConfig.ExternalIssuer::parse)
                .forEach(issuers::add);
        ApprovalConfig approvals = new ApprovalConfig(duration("approval token TTL", approvalTokenTtl),
                duration("approval request TTL", approvalRequestTtl),
                ApprovalConfig.parseOperations(approvalRequiredOperations), approvalGlobalTenant, issuers);
        LimitsConfig limits = new LimitsConfig(keyRate, keyBurst, callerRate, callerBurst, violationThreshold,
                duration("policy violation window", violationWindow),
                admission(Runtime.getRuntime().availableProcessors()));
        return config.maxUsagePerDayDefault(maxUsagePerDayDefault).approvals(approvals).limits(limits);
    }

    /** The admission options, {@code auto} resolved for {@code processors} (ADR 0040); validated with the rest in KmsConfig. */
    AdmissionConfig admission(int processors) {
        int slots = isAuto(maxConcurrentRequests) ? AdmissionConfig.slotsFor(processors)
                : count("max concurrent requests", maxConcurrentRequests);
        int queued = isAuto(maxQueuedRequests) ? slots : count("max queued requests", maxQueuedRequests);
        return new AdmissionConfig(slots, queued, duration("max queue wait", maxQueueWait));
    }

    private static boolean isAuto(String value) {
        return AdmissionConfig.AUTO.equalsIgnoreCase(value.trim());
    }

    private static int count(String name, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid configuration: " + name + " '" + value
                    + "' is neither " + AdmissionConfig.AUTO + " nor a whole number");
        }
    }

    private static Duration duration(String name, String value) {
        try {
            return Duration.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("invalid configuration: " + name + " '" + value
                    + "' is not an ISO-8601 duration (e.g. PT10M, PT24H)");
        }
    }
}
