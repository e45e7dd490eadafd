package com.zeroui.kms.approvals;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.zeroui.kms.auth.SpiffeId;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.crypto.SignatureAlgorithm;
import java.security.PublicKey;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Mints and verifies approval tokens: compact JWS (RFC 7515) with JWT claims (RFC 7519). This
 * service signs its own with its approval key (EdDSA, {@code kid} = that key's id, {@code iss} =
 * {@link #ISSUER}); registered governance issuers sign theirs with their own key and name
 * themselves in {@code iss}. nimbus-jose-jwt parses; {@link CryptoSuite} verifies, the same JCA path
 * as {@code /verify}.
 *
 * <p>Claims (all required, {@code key_id} except for generate): {@code iss}, {@code jti},
 * {@code iat}, {@code exp}, {@code operation}, {@code key_id}, {@code tenant_id},
 * {@code parameters_digest}, {@code requested_by}, {@code approved_by}, {@code approver_roles}.
 */
public final class ApprovalTokens {
    public static final String ISSUER = "urn:zeroui:kms:approvals";
    public static final String TYPE = "kms-approval+jwt";
    /** Longest lifetime ({@code exp - iat}) accepted from an external issuer: approvals are short-lived. */
    public static final Duration MAX_EXTERNAL_LIFETIME = Duration.ofHours(1);
    /** How far an external issuer's {@code iat} may run ahead of our clock. */
    public static final Duration CLOCK_SKEW = Duration.ofSeconds(60);
    static final int MAX_TOKEN_LENGTH = 8192;

    private final ApprovalKeys keys;
    private final Map<String, ApprovalIssuer> external;
    private final CryptoSuite crypto;

    /**
     * With one approval key that never rotates.
     *
     * @param keyId     id of the service's approval key ({@code kid} of the tokens it mints)
     * @param signer    signs with that key (Ed25519)
     * @param publicKey that key's public half
     */
    public ApprovalTokens(String keyId, UnaryOperator<byte[]> signer, PublicKey publicKey, List<ApprovalIssuer> external,
                          CryptoSuite crypto) {
        this(ApprovalKeys.fixed(keyId, signer, publicKey), external, crypto);
    }

    /** With the service's approval keys: the current one signs, every one valid at a token's {@code iat} verifies. */
    public ApprovalTokens(ApprovalKeys keys, List<ApprovalIssuer> external, CryptoSuite crypto) {
        this.keys = keys;
        Map<String, ApprovalIssuer> byName = new LinkedHashMap<>();
        external.forEach(i -> byName.put(i.name(), i));
        this.external = Map.copyOf(byName);
        this.crypto = crypto;
    }

    /** The key that signs tokens now. */
    public String keyId() {
        return keys.signing().keyId();
    }

    public Set<String> externalIssuers() {
        return external.keySet();
    }

    /** A token approving {@code approval}, signed by the service's approval key. */
    String mint(Approval approval, String approvedBy, Instant issuedAt, Instant expiresAt) {
        ApprovalKeys.Signing signing = keys.signing();
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.EdDSA).type(new JOSEObjectType(TYPE))
                .keyID(signing.keyId()).build();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .jwtID(approval.approvalId())
                .issueTime(Date.from(issuedAt))
                .expirationTime(Date.from(expiresAt))
                .claim("operation", approval.operation())
                .claim("tenant_id", approval.tenantId())
                .claim("parameters_digest", approval.parametersDigest())
                .claim("requested_by", approval.requestedBy())
                .claim("approved_by", approvedBy)
                .claim("approver_roles", List.of("approver"));
        if (approval.keyId() != null) {
            claims.claim("key_id", approval.keyId());
        }
        SignedJWT jwt = new SignedJWT(header, claims.build());
        try {
            jwt.sign(new ServiceKeySigner(signing.sign()));
        } catch (JOSEException e) {
            throw new IllegalStateException("signing an approval token failed", e);
        }
        return jwt.serialize();
    }

    /** Why a token was not accepted: {@code reason} goes to {@code details.reason}. */
    static final class Invalid extends RuntimeException {
        final String reason;

        Invalid(String reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }
    }

    /**
     * The token's claims once its issuer is known, its signature verifies and its claims are well
     * formed and current at {@code now}.
     *
     * @throws Invalid naming the reason
     */
    ApprovalToken verify(String token, Instant now) {
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw new Invalid("malformed_token", "the approval token is longer than " + MAX_TOKEN_LENGTH + " characters");
        }
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(token);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new Invalid("malformed_token", "the approval token is not a signed JWT (compact JWS)");
        }
        JWSHeader header = jwt.getHeader();
        if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
            throw new Invalid("malformed_token", "the approval token has critical header parameters this service does not"
                    + " understand: " + header.getCriticalParams());
        }
        String issuer = claims.getIssuer();
        SignatureAlgorithm algorithm = SignatureAlgorithm.fromApiName(header.getAlgorithm().getName()).orElseThrow(() ->
                new Invalid("bad_signature", "the approval token's alg " + header.getAlgorithm() + " is not accepted"
                        + " (EdDSA, RS256, PS256)"));
        PublicKey key;
        if (ISSUER.equals(issuer)) {
            String kid = header.getKeyID();
            ApprovalKeys.Verifying ours = kid == null || algorithm != SignatureAlgorithm.EDDSA ? null
                    : keys.find(kid).orElse(null);
            if (ours == null) {
                throw new Invalid("bad_signature", "the approval token names this service as issuer but not one of its"
                        + " approval keys with EdDSA (kid " + kid + ", alg " + algorithm + ")");
            }
            Date issued = issueTime(claims);
            if (issued != null && !ours.validAt(issued.toInstant())) {
                // a node that kept signing with a replaced key after its overlap ended
                throw new Invalid("bad_signature", "approval key " + kid + " was not valid at the token's iat "
                        + issued.toInstant() + " (it was replaced; see GET /kms/v1/service-keys?purpose=approval)");
            }
            key = ours.publicKey();
        } else {
            ApprovalIssuer trusted = issuer == null ? null : external.get(issuer);
            if (trusted == null) {
                throw new Invalid("unknown_issuer", "approval token issuer '" + issuer + "' is not trusted (trusted: "
                        + ISSUER + (external.isEmpty() ? "" : ", " + String.join(", ", external.keySet())) + ")");
            }
            if (!trusted.algorithms().contains(algorithm)) {
                throw new Invalid("bad_signature", "approval issuer " + issuer + " signs with " + trusted.algorithms()
                        + ", not " + algorithm);
            }
            key = trusted.key();
        }
        boolean valid = crypto.verify(algorithm, key, jwt.getSigningInput(), jwt.getSignature().decode());
        if (!valid) {
            throw new Invalid("bad_signature", "the approval token's signature does not verify with the key of issuer "
                    + issuer);
        }
        ApprovalToken parsed = claimsOf(claims);
        checkTimes(parsed, now);
        return parsed;
    }

    /** {@code iat}, or null when it is missing or not a NumericDate (the claims check names that). */
    private static Date issueTime(JWTClaimsSet claims) {
        try {
            return claims.getDateClaim("iat");
        } catch (ParseException e) {
            return null;
        }
    }

    private static ApprovalToken claimsOf(JWTClaimsSet claims) {
        try {
            String operation = required(claims, "operation");
            String keyId = claims.getStringClaim("key_id");
            if (keyId == null && !"generate".equals(operation)) {
                throw new Invalid("invalid_claims", "the approval token has no key_id claim");
            }
            List<String> roles = claims.getStringListClaim("approver_roles");
            if (claims.getJWTID() == null || claims.getJWTID().isBlank() || claims.getJWTID().length() > 128) {
                throw new Invalid("invalid_claims", "the approval token's jti must be 1..128 characters");
            }
            if (claims.getIssueTime() == null || claims.getExpirationTime() == null) {
                throw new Invalid("invalid_claims", "the approval token must carry iat and exp");
            }
            String requestedBy = required(claims, "requested_by");
            String approvedBy = required(claims, "approved_by");
            requireSpiffeId("requested_by", requestedBy);
            if (ISSUER.equals(claims.getIssuer()) || SpiffeId.claimsToBe(approvedBy)) {
                requireSpiffeId("approved_by", approvedBy); // an external approver may be named otherwise, never half a SPIFFE ID
            }
            return new ApprovalToken(claims.getIssuer(), claims.getJWTID(), operation, keyId,
                    claims.getStringClaim("tenant_id"), required(claims, "parameters_digest"),
                    requestedBy, approvedBy, roles == null ? List.of() : roles,
                    claims.getIssueTime().toInstant(), claims.getExpirationTime().toInstant());
        } catch (ParseException e) {
            throw new Invalid("invalid_claims", "the approval token's claims have the wrong types: " + e.getMessage());
        }
    }

    private static void requireSpiffeId(String claim, String value) {
        try {
            SpiffeId.parse(value);
        } catch (SpiffeId.Invalid e) {
            throw new Invalid("invalid_claims", "the approval token's " + claim + " is not a valid SPIFFE ID: "
                    + e.getMessage());
        }
    }

    private static String required(JWTClaimsSet claims, String name) throws ParseException {
        String value = claims.getStringClaim(name);
        if (value == null || value.isBlank()) {
            throw new Invalid("invalid_claims", "the approval token has no " + name + " claim");
        }
        return value;
    }

    private static void checkTimes(ApprovalToken token, Instant now) {
        if (!token.expiresAt().isAfter(token.issuedAt())) {
            throw new Invalid("invalid_claims", "the approval token's exp is not after its iat");
        }
        if (!token.internal() && Duration.between(token.issuedAt(), token.expiresAt()).compareTo(MAX_EXTERNAL_LIFETIME) > 0) {
            throw new Invalid("invalid_claims", "the approval token lives longer than " + MAX_EXTERNAL_LIFETIME
                    + " (exp - iat); approvals must be short-lived");
        }
        if (token.issuedAt().isAfter(now.plus(CLOCK_SKEW))) {
            throw new Invalid("invalid_claims", "the approval token's iat " + token.issuedAt() + " is in the future");
        }
        if (!now.isBefore(token.expiresAt())) {
            throw new Invalid("expired", "the approval token expired at " + token.expiresAt());
        }
    }

    /** Signs with the service's approval key through the KMS's own crypto path. */
    private static final class ServiceKeySigner implements JWSSigner {
        private final JCAContext jca = new JCAContext();
        private final UnaryOperator<byte[]> signer;

        ServiceKeySigner(UnaryOperator<byte[]> signer) {
            this.signer = signer;
        }

        @Override
        public Base64URL sign(JWSHeader header, byte[] signingInput) {
            return Base64URL.encode(signer.apply(signingInput));
        }

        @Override
        public Set<JWSAlgorithm> supportedJWSAlgorithms() {
            return Set.of(JWSAlgorithm.EdDSA);
        }

        @Override
        public JCAContext getJCAContext() {
            return jca;
        }
    }
}
