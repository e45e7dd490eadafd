package com.zeroui.kms.limits;

import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.keys.KeyRecord;
import com.zeroui.kms.keys.KeyUsage;
import com.zeroui.kms.keys.UsageLimiter;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The usage limits of sign, verify, encrypt and decrypt, cheapest first: the caller's rate, the
 * key's rate (both in memory, per node), then the key's daily quota (durable, across nodes). Each
 * refusal is 429 RATE_LIMITED, retryable, with {@code details.reset_at} and a Retry-After.
 */
public final class UsageGate implements UsageLimiter {
    /** Detail the HTTP layer turns into the Retry-After header (whole seconds). */
    public static final String RETRY_AFTER_DETAIL = "retry_after_seconds";

    private final RateLimiter perCaller;
    private final RateLimiter perKey;
    private final DailyUsage daily;
    private final Clock clock;

    public UsageGate(RateLimiter perCaller, RateLimiter perKey, DailyUsage daily, Clock clock) {
        this.perCaller = perCaller;
        this.perKey = perKey;
        this.daily = daily;
        this.clock = clock;
    }

    @Override
    public void admit(CallerIdentity caller, KeyRecord key, KeyUsage usage) {
        admitCaller(caller);
        long wait = perKey.tryAcquire(key.keyId());
        if (wait > 0) {
            throw rateLimited("key", "key " + key.keyId(), perKey, wait, Map.of("key_id", key.keyId()));
        }
        daily.spend(key.keyId(), key.policy().maxUsagePerDay());
    }

    @Override
    public void admitCaller(CallerIdentity caller) {
        long wait = perCaller.tryAcquire(caller.spiffeId());
        if (wait > 0) {
            throw rateLimited("caller", "caller " + caller.spiffeId(), perCaller, wait,
                    Map.of("module_id", caller.moduleId(), "caller", caller.spiffeId()));
        }
    }

    private KmsException rateLimited(String scope, String who, RateLimiter limiter, long waitNanos,
                                     Map<String, Object> subject) {
        Instant now = clock.instant();
        Instant reset = now.plusNanos(waitNanos);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("reason", "rate_limit");
        details.put("scope", scope);
        details.putAll(subject);
        details.put("limit", limiter.burst());
        details.put("rate_per_second", limiter.ratePerSecond());
        details.put("reset_at", reset.toString());
        details.put(RETRY_AFTER_DETAIL, Math.max(1, (waitNanos + 999_999_999) / 1_000_000_000));
        return new KmsException(ErrorCode.RATE_LIMITED, who + " exceeded its rate limit of " + limiter.ratePerSecond()
                + "/s (burst " + limiter.burst() + "); retry after " + reset, details);
    }
}
