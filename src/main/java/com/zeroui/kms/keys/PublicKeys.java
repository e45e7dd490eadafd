package com.zeroui.kms.keys;

import java.time.Clock;
import java.time.Instant;
import com.zeroui.kms.audit.AuditRecord;
import com.zeroui.kms.audit.AuditTrail;
import com.zeroui.kms.audit.Audited;
import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.auth.IssuerKeyLookup;
import com.zeroui.kms.auth.VerificationKey;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.crypto.KeyType;
import com.zeroui.kms.crypto.SignatureAlgorithm;
import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Public keys for verifiers: one key's public key (with the same checks as a metadata read), a
 * scope's signing keys as a key set, and the keys that verify bearer tokens from an issuer whose
 * signing key this KMS holds.
 */
public final class PublicKeys implements IssuerKeyLookup {
    /** What verifiers should trust: keys in use, and keys just replaced whose signatures are still live. */
    public static final Set<KeyState> PUBLISHED_STATES = EnumSet.of(KeyState.ACTIVE, KeyState.PENDING_ROTATION);
    /** The key types a JWKS lists: derived from the registry ({@link KeyType#publishedInJwks()}). */
    static final List<KeyType> SIGNING_TYPES = java.util.Arrays.stream(KeyType.values())
            .filter(KeyType::publishedInJwks).toList();
    private static final int PAGE = 1000;

    private final KeyRepository repository;
    private final KeyManagementService keys;
    private final CryptoSuite crypto;
    private final AuditTrail audit;
    private final Clock clock;

    public PublicKeys(KeyRepository repository, KeyManagementService keys, CryptoSuite crypto, AuditTrail audit,
                      Clock clock) {
        this.clock = clock;
        this.repository = repository;
        this.keys = keys;
        this.crypto = crypto;
        this.audit = audit;
    }

    /**
     * One key, for its public key: the lookup of a metadata read (tenant binding; another tenant's
     * key is KEY_NOT_FOUND like an unknown one), then 400 for a symmetric key, which has none.
     */
    public Audited<KeyRecord> publicKey(CallerIdentity caller, String tenantId, Environment environment, Plane plane,
                                        KeyRef ref) {
        AuditRecord record = audit.begin("public_key_read", "read", caller)
                .scope(tenantId, environment == null ? null : environment.apiName(), plane == null ? null : plane.apiName())
                .keyRef(ref.toString());
        return audit.run(record, () -> {
            KeyRecord key = keys.getUnaudited(caller, tenantId, environment, plane, ref);
            record.key(key.keyId(), key.type().sizeBits())
                    .subject(key.tenantId(), key.scope().environment().apiName(), key.scope().plane().apiName());
            if (!key.type().isAsymmetric()) {
                throw new KmsException(ErrorCode.INVALID_REQUEST, "key " + key.keyId() + " is " + key.type()
                        + ", a symmetric key: it has no public key", Map.of("key_id", key.keyId(),
                        "key_type", key.type().apiName()));
            }
            KeyStateMachine.require(key, key.state(), KeyOperation.READ_PUBLIC_KEY); // key is as of now
            return key;
        });
    }

    /**
     * The scope's signing keys (asymmetric, {@code sign} usage, active or pending rotation) in
     * creation order. Public keys are public, so any caller may read any scope's set, and so may a
     * caller without a certificate ({@code caller} null): that read is not audited, since an
     * anonymous request must never be able to grow the receipt log.
     */
    public Audited<List<KeyRecord>> signingKeys(CallerIdentity caller, KeyScope scope) {
        if (caller == null) {
            return new Audited<>(signingKeys(scope), null);
        }
        AuditRecord record = audit.begin("jwks_read", "list", caller)
                .scope(scope.tenantId(), scope.environment().apiName(), scope.plane().apiName());
        return audit.run(record, () -> signingKeys(scope));
    }

    private List<KeyRecord> signingKeys(KeyScope scope) {
        List<KeyRecord> out = new ArrayList<>();
        for (KeyType type : SIGNING_TYPES) {
            for (KeyState state : PUBLISHED_STATES) {
                String after = null;
                List<KeyRecord> page;
                do {
                    page = repository.list(new KeyRepository.KeyFilter(scope.tenantId(), scope.environment(), scope.plane(),
                            type, state, null, after), PAGE);
                    Instant now = clock.instant(); // a lapsed grace period is archived: no longer published
                    page.stream().filter(k -> k.usage().contains(KeyUsage.SIGN))
                            .filter(k -> PUBLISHED_STATES.contains(k.effectiveState(now))).forEach(out::add);
                    after = page.isEmpty() ? null : page.get(page.size() - 1).keyId();
                } while (page.size() == PAGE);
            }
        }
        out.sort(Comparator.comparing(KeyRecord::keyId));
        return List.copyOf(out);
    }

    /** A key of this KMS that may verify bearer tokens: asymmetric, made to sign, active or pending rotation. */
    @Override
    public Optional<VerificationKey> find(String keyId) {
        return repository.findById(keyId)
                .filter(k -> k.type().isAsymmetric() && k.usage().contains(KeyUsage.SIGN)
                        && PUBLISHED_STATES.contains(k.effectiveState(clock.instant())))
                .map(k -> new VerificationKey(k.keyId(), SignatureAlgorithm.defaultFor(k.type()),
                        crypto.publicKey(k.type(), k.publicKeySpki())));
    }
}
