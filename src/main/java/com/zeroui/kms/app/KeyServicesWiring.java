package com.zeroui.kms.app;

import com.zeroui.kms.approvals.ApprovalGate;
import com.zeroui.kms.audit.AuditTrail;
import com.zeroui.kms.auth.JwtAuthenticator;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.keys.Environment;
import com.zeroui.kms.keys.KeyManagementService;
import com.zeroui.kms.keys.PublicKeys;
import com.zeroui.kms.ops.KmsConfig;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Key services wiring: key management, public keys (JWKS), and the bearer-token authenticator,
 * which may take an issuer's keys from a KMS key; JWKS files named in the configuration are read here.
 */
record KeyServicesWiring(KeyManagementService keyManagement, PublicKeys publicKeys, JwtAuthenticator tokens) {
    static KeyServicesWiring start(KmsConfig config, Clock clock, CryptoSuite crypto, DataDirectory data, KeysWiring keys,
                                   AuditTrail trail, ApprovalGate approvalGate) {
        KeyManagementService keyManagement = new KeyManagementService(keys.keys(), keys.material(), crypto, clock,
                config.maxUsagePerDayDefault(), data.masterKey().keyId(), trail, approvalGate);
        PublicKeys publicKeys = new PublicKeys(keys.keys(), keyManagement, crypto, trail, clock);
        Set<String> environments = EnumSet.allOf(Environment.class).stream().map(Environment::apiName)
                .collect(Collectors.toSet());
        JwtAuthenticator tokens = JwtAuthenticator.create(config.jwt(), publicKeys, environments, crypto, clock);
        return new KeyServicesWiring(keyManagement, publicKeys, tokens);
    }
}
