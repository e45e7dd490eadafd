package com.zeroui.kms.audit;

import com.zeroui.kms.crypto.Digests;
import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.events.KmsEvent;
import java.util.ArrayList;
import java.util.List;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Collects what one operation's receipt will say while the operation runs (one request, one
 * thread). Services fill in the resolved key and algorithm; {@link AuditTrail} adds the outcome.
 */
public final class AuditRecord {
    private final String operation;
    private final String operationType;
    private final CallerIdentity caller;
    private final Map<String, Object> request = new LinkedHashMap<>();
    private String tenantId;
    private String environment;
    private String plane;
    private String keyId;
    private String algorithm;
    private Integer keySizeBits;
    private final String receiptId;
    private final List<KmsEvent> events = new ArrayList<>();

    AuditRecord(String receiptId, String operation, String operationType, CallerIdentity caller) {
        this.receiptId = receiptId;
        this.operation = operation;
        this.operationType = operationType;
        this.caller = caller;
        this.tenantId = caller.tenantId();
        request.put("operation", operationType);
    }

    public AuditRecord scope(String tenantId, String environment, String plane) {
        if (tenantId != null) {
            this.tenantId = tenantId;
        }
        this.environment = environment;
        this.plane = plane;
        request.put("tenant_id", tenantId);
        request.put("environment", environment);
        request.put("plane", plane);
        return this;
    }

    /**
     * Files the receipt under the resolved key's tenant, environment and plane (an admin reading
     * tenant A's key leaves its receipt where tenant A can see it). The request digest is unchanged.
     */
    public AuditRecord subject(String tenantId, String environment, String plane) {
        this.tenantId = tenantId;
        this.environment = environment;
        this.plane = plane;
        return this;
    }

    /** The key as requested (an id or alias/name) until {@link #key} names the resolved one. */
    public AuditRecord keyRef(String ref) {
        this.keyId = ref;
        request.put("key_id", ref);
        return this;
    }

    public AuditRecord key(String resolvedKeyId, int sizeBits) {
        this.keyId = resolvedKeyId;
        this.keySizeBits = sizeBits;
        return this;
    }

    public AuditRecord algorithm(String name) {
        this.algorithm = name;
        return this;
    }

    /** Tells {@code observer} of this operation's refusal; an observer's own failure never replaces the refusal. */
    void tell(RefusalObserver observer, com.zeroui.kms.error.KmsException refusal) {
        try {
            observer.refused(caller, keyId, refusal);
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(AuditRecord.class).warn("refusal observer failed: {}", e.toString());
        }
    }

    /** A non-secret request parameter that goes into the request digest. */
    public AuditRecord param(String name, Object value) {
        request.put(name, value);
        return this;
    }

    /** A secret request field: only its length goes into the digest. */
    public AuditRecord secretLength(String name, int length) {
        request.put(name + "_bytes", length);
        return this;
    }

    /** The id this operation's receipt will have: events name it as their operation_id. */
    public String receiptId() {
        return receiptId;
    }

    /** The resolved key (or the key as requested, before resolution). */
    public String keyId() {
        return keyId;
    }

    public String tenantId() {
        return tenantId;
    }

    public String environment() {
        return environment;
    }

    public String plane() {
        return plane;
    }

    public String operationType() {
        return operationType;
    }

    public CallerIdentity caller() {
        return caller;
    }

    /** An event the operation's success announces: committed with its receipt, or not at all. */
    public AuditRecord event(KmsEvent event) {
        events.add(event);
        return this;
    }

    List<KmsEvent> events() {
        return List.copyOf(events);
    }

    ReceiptDraft draft(Clock clock, boolean success, ErrorCode error) {
        return new ReceiptDraft(receiptId, clock.instant().truncatedTo(ChronoUnit.MILLIS), tenantId,
                environment, plane, operation, operationType, keyId, algorithm, keySizeBits, success,
                error == null ? null : error.name(), caller, requestDigest(request));
    }

    /** A receipt's {@code request_digest}: SHA-256 over the canonical JSON of the request's non-null fields. */
    static String requestDigest(Map<String, Object> request) {
        Map<String, Object> digestInput = new LinkedHashMap<>(request);
        digestInput.values().removeIf(v -> v == null);
        return "sha256:" + Digests.sha256Hex(CanonicalJson.bytes(digestInput));
    }

}
