package com.zeroui.kms.app;

import com.zeroui.kms.audit.AuditLog;
import com.zeroui.kms.audit.LogIntegrity;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.keystore.Pkcs11MasterKeyProvider;
import com.zeroui.kms.ops.HealthService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Health wiring: the checks every node has; sinks, CA expiry and backups add theirs as they are wired. */
final class HealthWiring {
    private HealthWiring() {
    }

    /** A mutable list: later wiring steps append their own checks. */
    static List<HealthService.NamedCheck> coreChecks(DataDirectory data, CryptoSuite crypto, AuditLog log,
                                                     LogIntegrity integrity) {
        List<HealthService.NamedCheck> checks = new ArrayList<>(List.of(
                new HealthService.NamedCheck("storage", true, data.database()::ping),
                new HealthService.NamedCheck("master_key", true, data.masterKey()::selfTest),
                new HealthService.NamedCheck("crypto_provider", true, crypto::selfTest),
                new HealthService.NamedCheck("audit_log", true, log::check),
                // a stored log that differs from what was verified: unhealthy, and no receipts until restored
                new HealthService.NamedCheck("audit_integrity", true, integrity::check)));
        if (data.masterKey() instanceof Pkcs11MasterKeyProvider) {
            // a wrap/unwrap round trip through the token: the HSM is reachable, logged in and holds the key
            checks.add(new HealthService.NamedCheck("hsm", true, data.masterKey()::selfTest));
        }
        // FIPS mode: the module's power-on self-tests (integrity HMAC, known answers) and approved-only mode
        crypto.fipsModule().ifPresent(fips -> checks.add(new HealthService.NamedCheck("fips_module", true, fips::check)));
        return checks;
    }

    /** The health service over every check the wiring steps added, checking in the background until the node stops. */
    static HealthService start(List<HealthService.NamedCheck> checks, DataDirectory data, CryptoSuite crypto,
                               StartedResources started) {
        return started.add("health checks", new HealthService(checks,
                // the current master-key version: a rotation run beside the node changes it
                () -> Map.of("crypto_provider", crypto.preferredProvider(), "master_key_id", data.masterKey().keyId()))
                .start());
    }
}
