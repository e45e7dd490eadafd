package com.zeroui.kms.keys;

import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.auth.SpiffeIdentities;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.crypto.RandomIds;
import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.events.EventType;
import com.zeroui.kms.events.Events;
import com.zeroui.kms.keystore.ProtectionLevel;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Validates, generates, wraps and durably stores one new key. Shared by callers' keys and the service's own. */
final class KeyCreator {
    static final int MAX_ROTATION_PERIOD_DAYS = 3650;
    private final KeyRepository repository;
    private final KeyMaterialCache material;
    private final CryptoSuite crypto;
    private final Clock clock;
    private final long defaultMaxUsagePerDay;
    /** Unused since master-key versions: the record names the version that actually wrapped (see KeyMaterialCache#wrappedBy). */
    @SuppressWarnings("unused")
    private final String masterKeyId;
    private final Events events;

    KeyCreator(KeyRepository repository, KeyMaterialCache material, CryptoSuite crypto, Clock clock,
               long defaultMaxUsagePerDay, String masterKeyId, Events events) {
        this.events = events;
        this.repository = repository;
        this.material = material;
        this.crypto = crypto;
        this.clock = clock;
        this.defaultMaxUsagePerDay = defaultMaxUsagePerDay;
        this.masterKeyId = masterKeyId;
    }

    KeyRecord create(CallerIdentity caller, KeyManagementService.CreateKey request) {
        return create(caller, request, () -> { });
    }

    /**
     * Creates the key; {@code gate} runs after the request is validated and before anything is
     * generated or stored, so a check it makes (an approval token it spends) is spent only on a
     * request that can be carried out.
     */
    KeyRecord create(CallerIdentity caller, KeyManagementService.CreateKey request, Runnable gate) {
        return create(caller, request, gate, keyId -> generate(request.protectionLevel(), request.type(),
                request.scope().tenantId(), keyId), KeyOrigin.GENERATED);
    }

    /** Material the service derived or the caller brought: raw secret or PKCS#8, and the SPKI public key or null. */
    record Supplied(com.zeroui.kms.crypto.SecretBytes secret, byte[] publicKeySpki) {
    }

    /**
     * As {@link #create(CallerIdentity, KeyManagementService.CreateKey, Runnable)} but with material
     * from {@code supply}, called after the request is validated and {@code gate} passed; the material
     * is wrapped by the master key and destroyed here, whatever happens. Software protection only: a
     * token cannot take outside material through this path.
     */
    KeyRecord createFrom(CallerIdentity caller, KeyManagementService.CreateKey request, Runnable gate,
                         java.util.function.Supplier<Supplied> supply, KeyOrigin origin) {
        if (request.protectionLevel() != ProtectionLevel.SOFTWARE) {
            throw KmsException.invalid("protection_level", "protection_level must be software for a "
                    + origin.apiName() + " key: its material is wrapped by the master key, not generated in a token");
        }
        return create(caller, request, gate, keyId -> {
            Supplied supplied = supply.get();
            try {
                byte[] wrapped = material.wrap(request.scope().tenantId(), keyId, supplied.secret());
                return new Material(supplied.publicKeySpki(), wrapped, material.wrappedBy(wrapped));
            } finally {
                supplied.secret().destroy();
            }
        }, origin);
    }

    private KeyRecord create(CallerIdentity caller, KeyManagementService.CreateKey request, Runnable gate,
                             java.util.function.Function<String, Material> makeMaterial, KeyOrigin origin) {
        KeyResolver.requireScope(caller, request.scope());
        Set<KeyUsage> usage = EnumSet.copyOf(request.usage());
        if (!KeyUsage.permittedFor(request.type()).containsAll(usage)) {
            throw KmsException.invalid("key_usage", "key_usage " + usage.stream().map(KeyUsage::apiName).sorted().toList()
                    + " is not valid for key_type " + request.type() + " (allowed: "
                    + KeyUsage.permittedFor(request.type()).stream().map(KeyUsage::apiName).toList() + ")");
        }
        if (request.alias() != null && !KeyRef.ALIAS.matcher(request.alias()).matches()) {
            throw KmsException.invalid("key_alias", "key_alias must match " + KeyRef.ALIAS.pattern());
        }
        AccessPolicy policy = policyFor(caller, request.policy());
        if (request.rotationPeriodDays() != null
                && (request.rotationPeriodDays() < 1 || request.rotationPeriodDays() > MAX_ROTATION_PERIOD_DAYS)) {
            throw KmsException.invalid("rotation_period", "rotation_period must be between P1D and P"
                    + MAX_ROTATION_PERIOD_DAYS + "D");
        }
        crypto.refusal(request.type()).ifPresent(reason -> { // FIPS mode: a type the module lacks
            throw KmsException.invalid("key_type", reason);
        });
        ProtectionLevel level = request.protectionLevel();
        if (!level.supports(request.type())) {
            throw KmsException.invalid("protection_level", level.refusal(request.type()));
        }
        if (level == ProtectionLevel.HSM && !material.hsmAvailable()) {
            throw KmsException.invalid("protection_level", "protection_level hsm needs the master key in a PKCS#11 token"
                    + " (serve --master-key-provider pkcs11)");
        }
        gate.run();
        String keyId = RandomIds.uuid7(clock);
        Material made = makeMaterial.apply(keyId);
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS); // the stored precision
        KeyRecord key = new KeyRecord(keyId, request.scope(), request.type(), usage, request.alias(), KeyState.ACTIVE,
                now, now, null, 0, policy, caller.moduleId(), made.publicKeySpki(), made.wrapped(), made.masterKeyId(),
                KeyLifecycle.withRotationPeriod(request.rotationPeriodDays()), level, origin);
        try {
            repository.insert(key, events.make(EventType.KEY_GENERATED, key.tenantId(),
                    key.scope().environment().apiName(), key.scope().plane().apiName(), keyId, keyGenerated(key))
                    .map(List::of).orElse(List.of()));
        } catch (KeyRepository.AliasTakenException e) {
            material.destroyInHsm(key); // the token object of a key that was never stored
            throw new KmsException(ErrorCode.INVALID_REQUEST, "key_alias " + request.alias()
                    + " is already used in tenant " + request.scope().tenantId() + " environment "
                    + request.scope().environment().apiName(), Map.of("field", "key_alias"));
        }
        return key;
    }

    private static Map<String, Object> keyGenerated(KeyRecord key) {
        Map<String, Object> payload = new java.util.LinkedHashMap<>();
        payload.put("key_id", key.keyId());
        payload.put("key_type", key.type().apiName());
        payload.put("key_usage", key.usage().stream().map(KeyUsage::apiName).sorted().toList());
        payload.put("key_state", key.state().apiName());
        payload.put("protection_level", key.protectionLevel().apiName());
        return payload;
    }

    /**
     * The successor of {@code old} (not stored): fresh material of the same type, the same scope,
     * usage, policy, alias and rotation period, rotation_count + 1, its predecessor named.
     */
    KeyRecord successorOf(KeyRecord old, CallerIdentity by) {
        String keyId = RandomIds.uuid7(clock);
        Material made = generate(old.protectionLevel(), old.type(), old.tenantId(), keyId);
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        return new KeyRecord(keyId, old.scope(), old.type(), old.usage(), old.alias(), KeyState.ACTIVE, now, now, null,
                old.rotationCount() + 1, old.policy(), by.moduleId(), made.publicKeySpki(), made.wrapped(), made.masterKeyId(),
                KeyLifecycle.withRotationPeriod(old.lifecycle().rotationPeriodDays()).withPredecessor(old.keyId()),
                old.protectionLevel());
    }

    /** What a new key's record holds: its public key and either its wrapped material or nothing (hsm). */
    private record Material(byte[] publicKeySpki, byte[] wrapped, String masterKeyId) {
    }

    private Material generate(ProtectionLevel level, com.zeroui.kms.crypto.KeyType type, String tenantId, String keyId) {
        if (level == ProtectionLevel.HSM) {
            return new Material(material.generateInHsm(type, keyId), new byte[0], ProtectionLevel.HSM_RESIDENT);
        }
        CryptoSuite.GeneratedKey generated = crypto.generate(type);
        byte[] wrapped;
        try {
            wrapped = material.wrap(tenantId, keyId, generated.material());
        } finally {
            generated.material().destroy();
        }
        return new Material(generated.publicKeySpki(), wrapped, material.wrappedBy(wrapped));
    }

    AccessPolicy policyFor(CallerIdentity caller, KeyManagementService.PolicyRequest requested) {
        List<String> modules = requested == null || requested.allowedModules() == null
                ? List.of(caller.moduleId()) : List.copyOf(requested.allowedModules());
        if (modules.isEmpty() || modules.size() > KeyManagementService.MAX_ALLOWED_MODULES) {
            throw KmsException.invalid("access_policy.allowed_modules",
                    "access_policy.allowed_modules must name 1 to " + KeyManagementService.MAX_ALLOWED_MODULES + " modules");
        }
        for (String module : modules) {
            boolean serviceOwned = CallerIdentity.SERVICE.moduleId().equals(module) && caller.equals(CallerIdentity.SERVICE);
            if (module == null || !(serviceOwned || SpiffeIdentities.ID.matcher(module).matches())) {
                throw KmsException.invalid("access_policy.allowed_modules",
                        "access_policy.allowed_modules entries must match " + SpiffeIdentities.ID.pattern());
            }
        }
        long maxUsage = requested == null || requested.maxUsagePerDay() == null
                ? defaultMaxUsagePerDay : requested.maxUsagePerDay();
        if (maxUsage < 1) {
            throw KmsException.invalid("access_policy.max_usage_per_day", "access_policy.max_usage_per_day must be at least 1");
        }
        boolean approval = requested != null && Boolean.TRUE.equals(requested.requiresApproval());
        return new AccessPolicy(modules.stream().distinct().toList(), approval, maxUsage);
    }
}
