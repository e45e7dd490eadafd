package com.zeroui.kms.app;

import com.zeroui.kms.audit.TreeHeads;
import com.zeroui.kms.error.FailureLog;
import com.zeroui.kms.events.EventPruner;
import com.zeroui.kms.keys.LifecycleScheduler;
import com.zeroui.kms.ops.KmsConfig;
import com.zeroui.kms.store.JdbcEventOutbox;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The node's one scheduler thread and the periodic jobs on it (PKI adds its own in PkiWiring). */
final class SchedulerWiring {
    private static final Logger LOG = LoggerFactory.getLogger(KmsNode.class); // same log category as before the split
    /** A storage outage fails every run: one line per kind of failure a minute. */
    private static final FailureLog TREE_HEAD_FAILURES = new FailureLog(LOG);

    private SchedulerWiring() {
    }

    /** The scheduler thread (stopped with the node), signing tree heads from the start. */
    static ScheduledExecutorService start(TreeHeads heads, StartedResources started) {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kms-scheduler"); // tree heads, lifecycle
            t.setDaemon(true);
            return t;
        });
        started.onClose("scheduler", scheduler::shutdownNow);
        signTreeHeads(scheduler, heads);
        return scheduler;
    }

    private static void signTreeHeads(ScheduledExecutorService scheduler, TreeHeads heads) {
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                heads.signIfGrown();
            } catch (RuntimeException e) {
                TREE_HEAD_FAILURES.warn("signing a tree head failed", e);
            }
        }, KmsNode.TREE_HEAD_INTERVAL.toMillis(), KmsNode.TREE_HEAD_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Service-key rotation, event pruning and the key lifecycle, every configured scheduler interval. */
    static void lifecycleJobs(ScheduledExecutorService scheduler, KmsConfig config, Clock clock,
                              ServiceKeyDirectory serviceKeyChains, JdbcEventOutbox outbox,
                              LifecycleScheduler lifecycleScheduler) {
        long every = config.lifecycle().schedulerInterval().toMillis();
        scheduler.scheduleWithFixedDelay(() -> {
            // every node: rotate what is due (one wins), else pick up another node's rotation
            serviceKeyChains.rotateDue();
        }, 0, every, TimeUnit.MILLISECONDS);
        EventPruner pruner = new EventPruner(outbox, config.lifecycle().eventRetention(), clock);
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                pruner.pruneOnce(); // every node may: pruning is idempotent and only ever moves forward
            } catch (RuntimeException e) {
                LOG.warn("event outbox pruning failed: {}", e.getMessage());
            }
        }, every, every, TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                lifecycleScheduler.runOnce();
            } catch (RuntimeException e) {
                LOG.warn("lifecycle scheduler run failed: {}", e.getMessage());
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }
}
