package com.zeroui.kms.api;

import com.zeroui.kms.auth.SpiffeIdentities;
import com.zeroui.kms.crypto.AeadAlgorithm;
import com.zeroui.kms.crypto.KeyType;
import com.zeroui.kms.crypto.MacAlgorithm;
import com.zeroui.kms.crypto.SignatureAlgorithm;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.keys.Environment;
import com.zeroui.kms.keys.KeyScope;
import com.zeroui.kms.keys.KeyState;
import com.zeroui.kms.keys.KeyUsage;
import com.zeroui.kms.keys.Plane;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/** Shared field readers and the enum vocabularies the API accepts, all derived from the domain enums (the key-type registry). */
final class Fields {
    static final List<String> ENVIRONMENTS = names(Environment.values(), Environment::apiName);
    static final List<String> PLANES = names(Plane.values(), Plane::apiName);
    static final List<String> KEY_TYPES = names(KeyType.values(), KeyType::apiName);
    static final List<String> KEY_USAGES = names(KeyUsage.values(), KeyUsage::apiName);
    static final List<String> KEY_STATES = names(KeyState.values(), KeyState::apiName);
    static final List<String> SIGNATURE_ALGORITHMS = names(SignatureAlgorithm.values(), SignatureAlgorithm::apiName);
    static final List<String> AEAD_ALGORITHMS = names(AeadAlgorithm.values(), AeadAlgorithm::apiName);
    static final List<String> MAC_ALGORITHMS = names(MacAlgorithm.values(), MacAlgorithm::apiName);

    private Fields() {
    }

    private static <E> List<String> names(E[] values, Function<E, String> name) {
        return Arrays.stream(values).map(name).toList();
    }

    static String tenantId(String field, String value) {
        if (!SpiffeIdentities.ID.matcher(value).matches()) {
            throw KmsException.invalid(field, field + " must match " + SpiffeIdentities.ID.pattern());
        }
        return value;
    }

    static KeyScope scope(JsonRequest body) {
        String tenant = tenantId("tenant_id", body.requiredString("tenant_id", 64));
        Environment environment = body.requiredEnum("environment", Environment::fromApiName, ENVIRONMENTS);
        Plane plane = body.requiredEnum("plane", Plane::fromApiName, PLANES);
        return new KeyScope(tenant, environment, plane);
    }

    /** An ISO-8601 period such as P30D, P12W or P3M (a month counts as 30 days), as whole days. */
    static int periodDays(String field, String value) {
        try {
            java.time.Period p = java.time.Period.parse(value);
            long days = p.toTotalMonths() * 30 + p.getDays();
            if (days >= 1 && days <= Integer.MAX_VALUE) {
                return (int) days;
            }
        } catch (java.time.format.DateTimeParseException e) {
            // reported below
        }
        throw KmsException.invalid(field, field + " must be an ISO-8601 period of at least one day, e.g. P30D");
    }
}
