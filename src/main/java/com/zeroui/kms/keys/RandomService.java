package com.zeroui.kms.keys;

import com.zeroui.kms.audit.AuditRecord;
import com.zeroui.kms.audit.AuditTrail;
import com.zeroui.kms.audit.Audited;
import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.events.EventType;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Random bytes from the crypto suite's DRBG (in FIPS mode the module's approved SP 800-90A DRBG). No
 * key is involved: the caller's tenant and environment binding and its rate limit apply.
 */
public final class RandomService {
    public static final int MAX_BYTES = 1024;

    private final CryptoSuite crypto;
    private final AuditTrail audit;
    private final UsageLimiter limits;

    public RandomService(CryptoSuite crypto, AuditTrail audit, UsageLimiter limits) {
        this.crypto = crypto;
        this.audit = audit;
        this.limits = limits;
    }

    public record RandomBytes(byte[] bytes, String source) {
    }

    public Audited<RandomBytes> generate(CallerIdentity caller, KeyScope scope, int length) {
        AuditRecord record = audit.begin("random_generated", "random", caller)
                .scope(scope.tenantId(), scope.environment().apiName(), scope.plane().apiName())
                .param("length", length)
                .algorithm(crypto.randomSource());
        return audit.run(record, () -> {
            KeyResolver.requireScope(caller, scope);
            if (length < 1 || length > MAX_BYTES) {
                throw KmsException.invalid("length", "length must be between 1 and " + MAX_BYTES);
            }
            limits.admitCaller(caller);
            byte[] bytes = crypto.randomBytes(length);
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("operation_id", record.receiptId());
            payload.put("length", length);
            audit.events().make(EventType.RANDOM_GENERATED, scope.tenantId(), scope.environment().apiName(),
                    scope.plane().apiName(), scope.tenantId(), payload).ifPresent(record::event);
            return new RandomBytes(bytes, crypto.randomSource());
        });
    }
}
