package com.zeroui.kms.api;

import com.zeroui.kms.approvals.ApprovalService;
import com.zeroui.kms.events.EventFeed;
import com.zeroui.kms.trust.CertificateValidationService;
import com.zeroui.kms.keys.KeyLifecycleService;
import com.zeroui.kms.audit.AuditQueries;
import com.zeroui.kms.auth.JwtAuthenticator;
import com.zeroui.kms.auth.SpiffeIdentities;
import com.zeroui.kms.keys.EncryptionService;
import com.zeroui.kms.keys.KeyManagementService;
import com.zeroui.kms.keys.PublicKeys;
import com.zeroui.kms.keys.SigningService;
import com.zeroui.kms.ops.HealthService;
import com.zeroui.kms.ops.Metrics;
import com.zeroui.kms.trust.pki.Pki;
import com.zeroui.kms.trust.anchors.TrustAnchorService;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the HTTP layer calls: one service per route family. {@code operations} is the template every
 * key operation runs on: a new operation's service is built from it where its routes are registered.
 */
public record ApiServices(KeyManagementService keys, SigningService signing, EncryptionService encryption,
                          AuditQueries audit, Supplier<List<Map<String, Object>>> serviceKeys,
                          Supplier<List<Map<String, Object>>> receiptKeys,
                          HealthService health, Metrics metrics, Map<String, Object> effectiveConfig,
                          SpiffeIdentities identities, EventFeed events, PublicKeys publicKeys,
                          JwtAuthenticator tokens, KeyLifecycleService lifecycle, ApprovalService approvals,
                          CertificateValidationService validation, Pki pki, TrustAnchorService trustAnchors,
                          java.time.Clock clock, com.zeroui.kms.auth.ConsoleSessions consoleSessions,
                          java.util.function.ToLongBiFunction<String, Long> usageReserved,
                          com.zeroui.kms.compliance.ComplianceService compliance,
                          com.zeroui.kms.keys.RandomService random, com.zeroui.kms.keys.DerivationService derivation,
                          com.zeroui.kms.keys.EnvelopeService envelopes,
                          com.zeroui.kms.audit.AuditRetention auditRetention, com.zeroui.kms.keys.KeyImportService imports,
                          com.zeroui.kms.keys.KeyOperations operations) {
}
