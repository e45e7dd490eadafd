package com.zeroui.kms.trust.pki;

/**
 * Enrollment and revocation as the HTTP layer sees them: certificate operations, CRLs, the OCSP
 * responder, and the revoked-serial check authentication applies to client certificates.
 */
public record Pki(CertificateService certificates, CrlPublisher crls, OcspResponder ocsp, RevokedSerials revoked) {
}
