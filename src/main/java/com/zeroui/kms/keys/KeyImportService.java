package com.zeroui.kms.keys;

import com.zeroui.kms.audit.AuditRecord;
import com.zeroui.kms.audit.AuditTrail;
import com.zeroui.kms.audit.Audited;
import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.crypto.KeyImportWrapping;
import com.zeroui.kms.crypto.KeyType;
import com.zeroui.kms.crypto.RandomIds;
import com.zeroui.kms.crypto.SecretBytes;
import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.events.EventType;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.RSAPublicKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * BYOK: POST /keys/import-params hands out a one-time RSA-3072 wrapping key (its private half
 * wrapped by the master key, in the database, so any node can serve the import), and POST
 * /keys/import turns key material wrapped for it ({@link KeyImportWrapping}) into a managed key with
 * {@code origin: external}. Import parameters expire after {@link #TTL} and serve exactly one import
 * attempt, successful or not, so the wrapping key can never be used as a decryption oracle. Dual
 * authorization applies as for generation.
 */
public final class KeyImportService {
    public static final Duration TTL = Duration.ofHours(24);
    /** The wrapped private keys live under an id no key can have (key ids hold no '/'). */
    private static final String WRAPPING_PREFIX = "import/";

    private final ImportParamsRepository params;
    private final KeyMaterialCache material;
    private final CryptoSuite crypto;
    private final AuditTrail audit;
    private final Clock clock;
    private final KeyCreator creator;
    private final DualAuthorization approvals;

    public KeyImportService(ImportParamsRepository params, KeyRepository keys, KeyMaterialCache material,
                            CryptoSuite crypto, AuditTrail audit, Clock clock, DualAuthorization approvals,
                            long defaultMaxUsagePerDay, String masterKeyId) {
        this.params = params;
        this.material = material;
        this.crypto = crypto;
        this.audit = audit;
        this.clock = clock;
        this.approvals = approvals;
        this.creator = new KeyCreator(keys, material, crypto, clock, defaultMaxUsagePerDay, masterKeyId, audit.events());
    }

    public record Params(String importToken, KeyType keyType, byte[] publicKeySpki, Instant expiresAt) {
    }

    public Audited<Params> importParams(CallerIdentity caller, KeyScope scope, KeyType type) {
        AuditRecord record = audit.begin("import_params_created", "import_params", caller)
                .scope(scope.tenantId(), scope.environment().apiName(), scope.plane().apiName())
                .param("key_type", type.apiName())
                .algorithm(KeyImportWrapping.ALGORITHM);
        return audit.run(record, () -> {
            KeyResolver.requireScope(caller, scope);
            if (type != KeyType.AES_256 && type != KeyType.RSA_2048) {
                throw KmsException.invalid("key_type", "importing " + type.apiName()
                        + " keys is not supported yet (AES-256 and RSA-2048 are)");
            }
            String token = RandomIds.uuid7(clock);
            KeyPair pair = crypto.importWrapping().generateWrappingKey();
            byte[] pkcs8 = pair.getPrivate().getEncoded();
            SecretBytes secret = SecretBytes.copyOf(pkcs8);
            java.util.Arrays.fill(pkcs8, (byte) 0);
            byte[] wrapped;
            try {
                wrapped = material.wrap(scope.tenantId(), WRAPPING_PREFIX + token, secret);
            } finally {
                secret.destroy();
            }
            Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            Instant expires = now.plus(TTL);
            params.insert(new ImportParamsRepository.ImportParams(token, scope, type, caller.spiffeId(),
                    pair.getPublic().getEncoded(), wrapped, material.wrappedBy(wrapped), now, expires, null));
            return new Params(token, type, pair.getPublic().getEncoded(), expires);
        });
    }

    /** The new key's attributes; its type comes from the import parameters. */
    public record Request(KeyScope scope, String importToken, byte[] wrappedMaterial,
                          java.util.Set<KeyUsage> usage, String alias, KeyManagementService.PolicyRequest policy,
                          Integer rotationPeriodDays, KeyManagementService.ApprovalClaim approval) {
    }

    public Audited<KeyRecord> importKey(CallerIdentity caller, Request r) {
        AuditRecord record = audit.begin("key_imported", "import", caller)
                .scope(r.scope().tenantId(), r.scope().environment().apiName(), r.scope().plane().apiName())
                .param("import_token", r.importToken())
                .param("key_usage", r.usage().stream().map(KeyUsage::apiName).sorted().toList())
                .param("key_alias", r.alias())
                .secretLength("wrapped_key_material", r.wrappedMaterial().length)
                .algorithm(KeyImportWrapping.ALGORITHM);
        return audit.run(record, () -> {
            KeyResolver.requireScope(caller, r.scope());
            ImportParamsRepository.ImportParams p = params.find(r.importToken())
                    .filter(found -> found.scope().equals(r.scope()))
                    .orElseThrow(() -> KmsException.invalid("import_token", "import_token is unknown in this scope"));
            if (!p.requestedBy().equals(caller.spiffeId())) {
                throw new KmsException(ErrorCode.UNAUTHORIZED, "import_token was issued to another caller",
                        Map.of("field", "import_token"));
            }
            Instant now = clock.instant();
            if (!now.isBefore(p.expiresAt())) {
                throw KmsException.invalid("import_token", "import_token expired at " + p.expiresAt()
                        + "; request new import parameters");
            }
            var create = new KeyManagementService.CreateKey(r.scope(), p.keyType(), r.usage(), r.alias(), r.policy(),
                    r.rotationPeriodDays());
            KeyManagementService.ApprovalClaim approval = r.approval() == null ? KeyManagementService.ApprovalClaim.NONE
                    : r.approval();
            KeyRecord key = creator.createFrom(caller, create, () -> {
                if (approvals.requiresApproval(DualAuthorization.GENERATE, r.scope().tenantId(), false)) {
                    approvals.require(caller, DualAuthorization.GENERATE, null, approval.parameters(), approval.token());
                }
                if (!params.spend(p.importToken(), now)) {
                    throw KmsException.invalid("import_token", "import_token was already used; request new import"
                            + " parameters");
                }
            }, () -> unwrapFor(p, r.wrappedMaterial()), KeyOrigin.EXTERNAL);
            record.key(key.keyId(), key.type().sizeBits());
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("key_id", key.keyId());
            payload.put("operation_id", record.receiptId());
            payload.put("key_type", key.type().apiName());
            audit.events().make(EventType.KEY_IMPORTED, key.tenantId(), key.scope().environment().apiName(),
                    key.scope().plane().apiName(), key.keyId(), payload).ifPresent(record::event);
            return key;
        });
    }

    /** The material inside the wrapped bytes, checked for the key type; one constant refusal for any failure. */
    private KeyCreator.Supplied unwrapFor(ImportParamsRepository.ImportParams p, byte[] wrapped) {
        SecretBytes pkcs8 = material.unwrapSecret(p.scope().tenantId(), WRAPPING_PREFIX + p.importToken(),
                p.wrappedPrivateKey());
        SecretBytes unwrapped;
        try {
            PrivateKey wrappingKey = crypto.privateKey(KeyType.RSA_2048, pkcs8); // an RSA key factory: any size
            unwrapped = crypto.importWrapping().unwrap(wrappingKey, wrapped);
        } catch (KeyImportWrapping.UnwrapException e) {
            throw unusable();
        } finally {
            pkcs8.destroy();
        }
        try {
            return new KeyCreator.Supplied(unwrapped, publicKeyOf(p.keyType(), unwrapped));
        } catch (RuntimeException e) {
            unwrapped.destroy();
            throw e;
        }
    }

    /** Checks the material fits the type; answers the SPKI public key of an asymmetric one. */
    private byte[] publicKeyOf(KeyType type, SecretBytes secret) {
        switch (type) {
            case AES_256 -> {
                if (secret.length() != 32) {
                    throw unusable();
                }
                return null;
            }
            case RSA_2048 -> {
                try {
                    PrivateKey key = crypto.privateKey(type, secret);
                    if (!(key instanceof RSAPrivateCrtKey crt) || crt.getModulus().bitLength() != 2048) {
                        throw unusable();
                    }
                    return java.security.KeyFactory.getInstance("RSA")
                            .generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent())).getEncoded();
                } catch (IllegalStateException | java.security.GeneralSecurityException e) {
                    throw unusable();
                }
            }
            default -> throw KmsException.invalid("key_type", "importing " + type.apiName()
                    + " keys is not supported yet (AES-256 and RSA-2048 are)");
        }
    }

    private static KmsException unusable() {
        return KmsException.invalid("wrapped_key_material", "wrapped_key_material does not unwrap to a key of the"
                + " import's key_type with these import parameters");
    }
}
