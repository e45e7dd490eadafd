package com.zeroui.kms.keys;

import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.crypto.KeyType;
import com.zeroui.kms.crypto.SignatureAlgorithm;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.events.Events;
import java.time.Clock;
import java.time.Duration;
import java.time.Period;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The service's own keys (receipt, approval and trust bundle signing, see {@link ServiceKeyPurpose}): managed keys of the GLOBAL tenant (prod,
 * shared plane) usable only by the service itself. Creating and using them is not audited through
 * the receipt log, because they exist before it and sign for it.
 */
public final class ServiceKeys {
    private final KeyRepository repository;
    private final KeyMaterialCache material;
    private final CryptoSuite crypto;
    private final KeyCreator creator;
    private final CallerIdentity service;
    private final Clock clock;

    public ServiceKeys(KeyRepository repository, KeyMaterialCache material, CryptoSuite crypto, Clock clock,
                       String masterKeyId) {
        this.repository = repository;
        this.material = material;
        this.crypto = crypto;
        this.creator = new KeyCreator(repository, material, crypto, clock, Long.MAX_VALUE / 2, masterKeyId,
                Events.none(clock)); // the service's own keys are not announced to tenants' consumers
        this.service = CallerIdentity.SERVICE;
        this.clock = clock;
    }

    /**
     * The key named {@code alias}, created on first use. Safe with several nodes starting at once:
     * the alias is unique, the loser reads the winner's key.
     */
    public KeyRecord ensure(String alias, KeyType type, Set<KeyUsage> usage) {
        KeyScope scope = new KeyScope(CallerIdentity.GLOBAL_TENANT, Environment.PROD, Plane.SHARED);
        return repository.findByAlias(scope.tenantId(), scope.environment(), alias).orElseGet(() -> {
            try {
                return creator.create(service, new KeyManagementService.CreateKey(scope, type, usage, alias,
                        new KeyManagementService.PolicyRequest(List.of(service.moduleId()), false, null)));
            } catch (KmsException e) {
                return repository.findByAlias(scope.tenantId(), scope.environment(), alias).orElseThrow(() -> e);
            }
        });
    }

    /**
     * The Ed25519 key of {@code purpose} as a chain that rotates every {@code schedule}, the replaced
     * key staying valid for {@code overlap} (created on first use, like {@link #ensure}).
     */
    public ServiceKeyChain chain(ServiceKeyPurpose purpose, Period schedule, Duration overlap) {
        ensure(purpose.alias(), KeyType.ED25519, EnumSet.of(KeyUsage.SIGN, KeyUsage.VERIFY));
        return new ServiceKeyChain(this, purpose, SignatureAlgorithm.EDDSA, schedule, overlap, clock);
    }

    KeyRecord holderOf(String alias) {
        return repository.findByAlias(CallerIdentity.GLOBAL_TENANT, Environment.PROD, alias)
                .orElseThrow(() -> new IllegalStateException("service key " + alias + " is missing"));
    }

    KeyRepository repository() {
        return repository;
    }

    /** Replaces {@code old} by a fresh key that takes its alias; {@code old} stays valid for {@code overlap}. */
    boolean rotate(KeyRecord old, Duration overlap) {
        KeyRecord successor = creator.successorOf(old, service);
        return repository.rotate(old.keyId(), successor.createdAt().plus(overlap), successor, List.of());
    }

    /** Signs with a service key; the private key never leaves this package. */
    public UnaryOperator<byte[]> signer(KeyRecord key, SignatureAlgorithm algorithm) {
        return message -> material.load(key).sign(crypto, algorithm, message);
    }
}
