package com.zeroui.kms.trust.validation;

/**
 * Why a chain was accepted or refused. The names are a stable, machine-readable contract (they will
 * be returned over HTTP as they are): add new codes, never rename or reuse one. When several
 * problems exist, the first one met in the documented check order is reported (see
 * docs/chain-validation.md, "Check order").
 */
public enum ReasonCode {
    /** A path to a trust anchor was built and every check passed. */
    OK,
    /** A certificate or its encoding cannot be parsed, is not DER, or breaks an encoding rule of RFC 5280. */
    MALFORMED,
    /** The serial number is zero, negative or longer than 20 octets. */
    INVALID_SERIAL,
    /** The validation time is before a certificate's notBefore. */
    NOT_YET_VALID,
    /** The validation time is after a certificate's notAfter. */
    EXPIRED,
    /** A signature does not verify with the issuer's public key. */
    BAD_SIGNATURE,
    /** A known but weak algorithm: MD5 or SHA-1 signatures, RSA keys under 2048 bits, EC curves under 256 bits. */
    WEAK_ALGORITHM,
    /** A signature or key algorithm (or its parameters) that is not on the allow-list. */
    UNSUPPORTED_ALGORITHM,
    /** The chain ends in a self-signed certificate that is not one of the trust anchors. */
    UNTRUSTED_ROOT,
    /** No path to a trust anchor: an issuer is missing, or the search bounds were exhausted. */
    PATH_NOT_FOUND,
    /** An issuing certificate lacks basicConstraints or has cA=false. */
    NOT_A_CA,
    /** basicConstraints is not critical on a CA certificate, or pathLenConstraint appears without cA. */
    BASIC_CONSTRAINTS,
    /** More CA certificates below an issuer than its pathLenConstraint allows. */
    PATH_LENGTH_EXCEEDED,
    /** keyUsage (when present) missing keyCertSign on an issuer, or keyCertSign without cA; webpki: a CA without
     *  keyUsage, or a leaf keyUsage unfit for the purpose. */
    KEY_USAGE,
    /** extendedKeyUsage on the leaf or an issuer that does not allow the requested purpose. */
    EXTENDED_KEY_USAGE,
    /** A name is outside the permitted subtrees or inside the excluded subtrees of an issuer's nameConstraints. */
    NAME_CONSTRAINTS,
    /** A critical extension this validator does not process (anchors included). */
    UNKNOWN_CRITICAL_EXTENSION,
    /** A certificate that is not self-signed (a trust anchor included) has no authorityKeyIdentifier. */
    MISSING_AKI,
    /** A CA certificate has no subjectKeyIdentifier. */
    MISSING_SKI,
    /** authorityKeyIdentifier does not match the issuer's subjectKeyIdentifier (or its issuer and serial). */
    AKI_MISMATCH,
    /** A certificate in the path is revoked by a valid CRL, an authentic OCSP response or the service's own responder. */
    REVOKED,
    /** Revocation was required and no usable CRL or OCSP answer covers a certificate. */
    REVOCATION_UNKNOWN,
    /** Revocation was checked (any mode but none) and the CRL in scope cannot be trusted, nothing else vouching:
     *  bad signature, signer without cRLSign, no or critical CRL number, unknown critical extension, unsupported
     *  kind (delta, indirect). */
    CRL_INVALID,
    /** Revocation was required and the CRL in scope is past its nextUpdate (or not yet issued). */
    CRL_EXPIRED,
    /** The hostname matches no dNSName / iPAddress SAN (nor, in the rfc5280 profile, the CN when the certificate
     *  has no SAN). */
    HOSTNAME_MISMATCH,
    /** The path ends at (or passes through) a trust anchor, or its key, that was revoked in the trust store. */
    ANCHOR_REVOKED,
    /** A stapled OCSP response for a certificate of the path cannot be trusted: bad signature, unauthorised
     *  responder, unsupported algorithm. A failure in every revocation mode but none. */
    OCSP_INVALID,
    /** Checking the names against the name constraints would take more comparisons than the validator allows. */
    NAME_CONSTRAINTS_LIMIT,
    /** webpki profile: the leaf has no subjectAltName, or its subject CN is not byte for byte one of its SANs. */
    SUBJECT_ALT_NAME,
    /** webpki profile: a wildcard dNSName sits directly under a public suffix ({@code *.co.uk}). */
    WILDCARD_PUBLIC_SUFFIX
}
