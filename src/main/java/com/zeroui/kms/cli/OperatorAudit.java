package com.zeroui.kms.cli;

import com.zeroui.kms.app.DataDirectory;
import com.zeroui.kms.app.KmsNode;
import com.zeroui.kms.audit.AuditLog;
import com.zeroui.kms.audit.AuditSealer;
import com.zeroui.kms.audit.AuditTrail;
import com.zeroui.kms.audit.ReceiptSigner;
import com.zeroui.kms.audit.TreeHeads;
import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.auth.Role;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.crypto.SignatureAlgorithm;
import com.zeroui.kms.keys.Environment;
import com.zeroui.kms.keys.KeyMaterialCache;
import com.zeroui.kms.keys.KeyRecord;
import com.zeroui.kms.keys.ServiceKeys;
import com.zeroui.kms.ops.KmsConfig;
import com.zeroui.kms.store.JdbcAuditRepository;
import com.zeroui.kms.store.JdbcKeyRepository;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;

/**
 * The receipt log as an operator command on the data directory writes to it: the service's receipt
 * key (which must exist: the store has served before), an audit log writer of its own — appending
 * safely next to running nodes, as another node would — and the operator identity its receipts
 * name. "@" cannot appear in a module id from a certificate, so no API caller can look like it.
 */
final class OperatorAudit implements AutoCloseable {
    private final AuditLog log;
    private final AuditSealer sealer;
    private final CallerIdentity operator;

    private OperatorAudit(AuditLog log, AuditSealer sealer, CallerIdentity operator) {
        this.log = log;
        this.sealer = sealer;
        this.operator = operator;
    }

    static OperatorAudit open(DataDirectory dir, KmsConfig config, Clock clock) {
        CryptoSuite crypto = CryptoSuite.select(config.cryptoProvider());
        JdbcKeyRepository keys = new JdbcKeyRepository(dir.database());
        KeyRecord receiptKey = keys.findByAlias(CallerIdentity.GLOBAL_TENANT, Environment.PROD, KmsNode.RECEIPT_KEY_ALIAS)
                .orElseThrow(() -> new IllegalStateException("this store has no receipt key yet (no server has run on it),"
                        + " so it has no receipt log to seal"));
        KeyMaterialCache material = new KeyMaterialCache(dir.masterKey(), crypto, 16);
        ServiceKeys serviceKeys = new ServiceKeys(keys, material, crypto, clock, dir.masterKey().keyId());
        java.util.function.UnaryOperator<byte[]> sign = serviceKeys.signer(receiptKey, SignatureAlgorithm.EDDSA);
        sign.apply(new byte[0]); // loads the receipt key now: a master-key rotation may retire what wraps it
        ReceiptSigner signer = ReceiptSigner.of(receiptKey.keyId(), sign);
        JdbcAuditRepository repository = new JdbcAuditRepository(dir.database());
        AuditLog log = new AuditLog(repository, signer, Duration.ofMillis(2), 64, Duration.ofSeconds(10));
        AuditSealer sealer = new AuditSealer(repository, new TreeHeads(repository, signer, clock), new AuditTrail(log, clock,
                com.zeroui.kms.events.Events.none(clock)),
                AuditCommand.receiptKeys(keys, clock).publicKeys(), crypto, clock,
                new com.zeroui.kms.store.JdbcArchiveIndex(dir.database()));
        String user = System.getProperty("user.name", "unknown");
        CallerIdentity operator = new CallerIdentity("@kms-cli", CallerIdentity.GLOBAL_TENANT, Set.of(Role.ADMIN),
                "local:operator/" + user);
        return new OperatorAudit(log, sealer, operator);
    }

    AuditSealer sealer() {
        return sealer;
    }

    /** A trail for the operator's own operations (master-key rotation and migration), without events. */
    AuditTrail trail(Clock clock) {
        return new AuditTrail(log, clock, com.zeroui.kms.events.Events.none(clock));
    }

    CallerIdentity operator() {
        return operator;
    }

    /** Waits for the receipts in flight to be written. */
    @Override
    public void close() {
        log.close();
    }
}
