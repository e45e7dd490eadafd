package com.zeroui.kms.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.zeroui.kms.audit.RefusalObserver;
import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches policy violations (403 POLICY_VIOLATION refusals): counts them per module (the metric
 * {@code kms_policy_violations_total{module}}) and, when enabled, detects a key that collects
 * {@code threshold} violations within {@code window} on this node and tells the listener (which may
 * revoke the key). The listener is told once per {@code threshold} violations, on the request thread.
 */
public final class ViolationMonitor implements RefusalObserver {
    private static final Logger LOG = LoggerFactory.getLogger(ViolationMonitor.class);

    /** What to do when a key crosses the threshold; the lifecycle work connects revocation here. */
    @FunctionalInterface
    public interface ThresholdListener {
        void onThresholdExceeded(String keyId);
    }

    private final int threshold;
    private final Duration window;
    private final Clock clock;
    private final Consumer<String> perModule;
    private final Cache<String, Deque<Long>> recent;
    private volatile ThresholdListener listener = keyId -> LOG.warn("key {} crossed the policy violation threshold;"
            + " no action is connected", keyId);

    /**
     * @param threshold violations of one key within {@code window} that trigger the listener; 0 turns detection off
     * @param perModule told the module id of every violation (metrics)
     */
    public ViolationMonitor(int threshold, Duration window, Clock clock, Consumer<String> perModule) {
        this.threshold = threshold;
        this.window = window;
        this.clock = clock;
        this.perModule = perModule;
        this.recent = Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(window).build();
    }

    public void onThresholdExceeded(ThresholdListener listener) {
        this.listener = listener;
    }

    public boolean detecting() {
        return threshold > 0;
    }

    @Override
    public void refused(CallerIdentity caller, String keyId, KmsException refusal) {
        if (refusal.code() == ErrorCode.POLICY_VIOLATION) {
            // the refusal names the resolved key even when the request named it by alias
            Object resolved = refusal.details().get("key_id");
            record(caller.moduleId(), resolved instanceof String id ? id : keyId);
        }
    }

    /** Counts one violation by {@code moduleId} against {@code keyId} (null when no key was involved). */
    public void record(String moduleId, String keyId) {
        perModule.accept(moduleId);
        if (threshold <= 0 || keyId == null) {
            return;
        }
        long now = clock.millis();
        Deque<Long> times = recent.get(keyId, k -> new ArrayDeque<>());
        boolean crossed;
        synchronized (times) {
            while (!times.isEmpty() && times.peekFirst() <= now - window.toMillis()) {
                times.pollFirst();
            }
            times.addLast(now);
            crossed = times.size() >= threshold;
            if (crossed) {
                times.clear(); // the next alarm needs another `threshold` violations
            }
        }
        if (crossed) {
            LOG.warn("key {}: {} policy violations within {}", keyId, threshold, window);
            try {
                listener.onThresholdExceeded(keyId);
            } catch (RuntimeException e) {
                LOG.warn("violation threshold listener failed for key {}: {}", keyId, e.toString());
            }
        }
    }
}
