package com.zeroui.kms.keys;

import com.zeroui.kms.audit.AuditRecord;
import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.error.KmsException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle's clock-driven steps, run periodically on every node: archive keys whose grace
 * period ended, erase keys whose destruction came due, rotate keys past their schedule. Each step
 * is a conditional update, so when several nodes run it against one database exactly one of them
 * moves each key (no double rotation); the others see "already moved" and skip. Every move leaves
 * a receipt by the service itself.
 */
public final class LifecycleScheduler {
    private static final Logger LOG = LoggerFactory.getLogger(LifecycleScheduler.class);
    static final int BATCH = 100;

    private final KeyLifecycleService lifecycle;
    private final Clock clock;

    public LifecycleScheduler(KeyLifecycleService lifecycle, Clock clock) {
        this.lifecycle = lifecycle;
        this.clock = clock;
    }

    /** What one run did. */
    public record Run(int archived, int destroyed, int rotated) {
    }

    public Run runOnce() {
        Instant now = clock.instant();
        KeyRepository repository = lifecycle.repository();
        int archived = 0;
        for (KeyRecord key : repository.dueForArchive(now, BATCH)) {
            if (step("key_archived", "archive", key, () -> repository.archive(key.keyId(), now))) {
                archived++;
            }
        }
        int destroyed = 0;
        for (KeyRecord key : repository.dueForDestruction(now, BATCH)) {
            // an hsm key's token object goes first: were the token down, the key stays due and is retried
            if (step("key_destroyed", "destroy", key, () -> {
                lifecycle.material().destroyInHsm(key);
                return repository.destroy(key.keyId(), now);
            })) {
                lifecycle.material().evict(key.keyId());
                destroyed++;
            }
        }
        int rotated = 0;
        if (lifecycle.settings().autoRotation()) {
            List<KeyRecord> due = repository.dueForRotation(now, lifecycle.settings().rotationScheduleDays(),
                    CallerIdentity.SERVICE.moduleId(), BATCH);
            for (KeyRecord key : due) {
                if (lifecycle.rotationNeedsApproval(key)) {
                    continue; // rotating these needs a second person: the scheduler never approves itself
                }
                if (rotate(key)) {
                    rotated++;
                }
            }
        }
        if (archived + destroyed + rotated > 0) {
            LOG.info("lifecycle: archived {}, destroyed {}, rotated {} keys", archived, destroyed, rotated);
        }
        return new Run(archived, destroyed, rotated);
    }

    /** Moves the key; only the node whose conditional update won leaves the receipt. */
    private boolean step(String operation, String type, KeyRecord key, java.util.function.BooleanSupplier move) {
        try {
            if (!move.getAsBoolean()) {
                return false; // another node moved it first
            }
            lifecycle.audit().run(begin(operation, type, key), () -> Boolean.TRUE);
            return true;
        } catch (KmsException e) {
            LOG.warn("lifecycle: {} of key {} failed: {}", type, key.keyId(), e.getMessage());
            return false;
        }
    }

    private boolean rotate(KeyRecord key) {
        AuditRecord record = begin("key_rotated", "rotate", key).param("scheduled", true);
        try {
            lifecycle.audit().run(record, () -> lifecycle.rotateFound(key, CallerIdentity.SERVICE, record));
            return true;
        } catch (KmsException e) {
            // another node rotated it first (409), or the store is away: the next run looks again
            LOG.debug("lifecycle: scheduled rotation of key {} skipped: {}", key.keyId(), e.getMessage());
            return false;
        }
    }

    private AuditRecord begin(String operation, String type, KeyRecord key) {
        return lifecycle.audit().begin(operation, type, CallerIdentity.SERVICE)
                .scope(key.tenantId(), key.scope().environment().apiName(), key.scope().plane().apiName())
                .keyRef(key.keyId())
                .key(key.keyId(), key.type().sizeBits());
    }
}
