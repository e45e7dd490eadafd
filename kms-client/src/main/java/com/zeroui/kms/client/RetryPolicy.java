package com.zeroui.kms.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When and how long to wait before repeating a request. Only failures that may pass unchanged are
 * repeated: an ErrorResponse with {@code retryable: true}, or no answer at all (connection refused or
 * reset, timeout) for requests that are safe to repeat. The wait is "full jitter" exponential backoff
 * (a random time up to {@code base * 2^attempt}, capped), so that many clients that failed together do
 * not return together; a {@code Retry-After} from the service is a lower bound on the wait.
 *
 * @param maxAttempts total tries including the first (1 = never retry)
 * @param baseDelay   the backoff's first ceiling
 * @param maxDelay    the cap on any single wait, also on a {@code Retry-After} the service asks for
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay) {
    public static final RetryPolicy DEFAULT = new RetryPolicy(4, Duration.ofMillis(100), Duration.ofSeconds(5));
    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO);

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        if (baseDelay.isNegative() || maxDelay.isNegative()) {
            throw new IllegalArgumentException("delays must not be negative");
        }
    }

    /** The wait before try number {@code attempt + 1} ({@code attempt} counts from 1). */
    public Duration delay(int attempt, Duration retryAfter) {
        long ceiling = Math.min(maxDelay.toMillis(), baseDelay.toMillis() << Math.min(attempt - 1, 20));
        long jittered = ceiling <= 0 ? 0 : ThreadLocalRandom.current().nextLong(ceiling + 1);
        long wait = retryAfter == null ? jittered : Math.max(jittered, retryAfter.toMillis());
        return Duration.ofMillis(Math.min(wait, maxDelay.toMillis()));
    }
}
