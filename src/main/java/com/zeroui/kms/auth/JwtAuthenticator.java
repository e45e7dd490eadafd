package com.zeroui.kms.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.ExpiredJWTException;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.crypto.Jwks;
import com.zeroui.kms.crypto.SignatureAlgorithm;
import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import java.io.IOException;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Turns (certificate identity, bearer token) into the effective caller. A token is a JWS (RS256 or
 * EdDSA only) from a trusted issuer, with {@code sub}, {@code module_id}, {@code tenant_id},
 * {@code environment} and {@code exp} (and {@code nbf} when present) valid within the clock skew, and
 * an {@code aud} that names this service ({@link JwtSettings#audience()}).
 * Its {@code module_id} must be the certificate's module and its tenant one the certificate may act
 * for; the caller is then bound to the token's tenant and environment (see {@link CallerIdentity#boundTo}).
 *
 * <p>nimbus-jose-jwt parses the token, its claims and JWKS files and checks the time claims; the
 * signature is verified by {@link CryptoSuite}, the same JCA path (provider choice, self-test,
 * exact signature length) as {@code /verify}, which also keeps nimbus's Tink-based Ed25519 code out.
 *
 * <p>A token, when sent, is always verified — a caller that presents one asks to be narrowed by it,
 * and ignoring it would widen what the caller meant to allow. {@link JwtSettings#required()} only
 * decides whether a missing token is refused. Every refusal here is 401 UNAUTHENTICATED with
 * {@code details.reason}; it happens before any operation, so like every 401 it leaves no receipt.
 */
public final class JwtAuthenticator {
    private static final Set<String> REQUIRED_CLAIMS = Set.of("iss", "sub", "exp", "module_id", "tenant_id", "environment");
    private static final int MAX_SUBJECT = 256;

    private final JwtSettings settings;
    private final Map<String, List<Supplier<List<VerificationKey>>>> keysByIssuer;
    private final Set<String> environments;
    private final CryptoSuite crypto;
    private final DefaultJWTClaimsVerifier<SecurityContext> claimsVerifier;
    /** The exempt callers in canonical form: a caller's {@code spiffeId} is canonical, so equal strings mean one identity. */
    private final Set<String> exempt;

    private JwtAuthenticator(JwtSettings settings, Map<String, List<Supplier<List<VerificationKey>>>> keysByIssuer,
                             Set<String> environments, CryptoSuite crypto, Clock clock) {
        this.settings = settings;
        this.keysByIssuer = keysByIssuer;
        this.environments = Set.copyOf(environments);
        this.crypto = crypto;
        this.exempt = settings.exemptSpiffeIds().stream().map(SpiffeId::tryParse).flatMap(java.util.Optional::stream)
                .map(SpiffeId::toString).collect(java.util.stream.Collectors.toUnmodifiableSet());
        this.claimsVerifier = new DefaultJWTClaimsVerifier<>(null, null, REQUIRED_CLAIMS, null) {
            @Override
            protected Date currentTime() {
                return Date.from(clock.instant());
            }
        };
        claimsVerifier.setMaxClockSkew(Math.toIntExact(settings.clockSkew().toSeconds()));
    }

    /**
     * Reads every JWKS file now, so that a bad file stops start-up; keys held by this KMS are looked
     * up through {@code kmsKeys} on each use, so a revoked or destroyed issuer key stops verifying at once.
     *
     * @param environments the environment names a token may bind to
     * @throws IllegalArgumentException naming the file and key when a JWKS file is unusable
     */
    public static JwtAuthenticator create(JwtSettings settings, IssuerKeyLookup kmsKeys, Set<String> environments,
                                          CryptoSuite crypto, Clock clock) {
        Map<String, List<Supplier<List<VerificationKey>>>> byIssuer = new LinkedHashMap<>();
        for (JwtSettings.TrustedIssuer issuer : settings.issuers()) {
            Supplier<List<VerificationKey>> keys = switch (issuer.source()) {
                case JWKS_FILE -> {
                    List<VerificationKey> loaded = loadJwks(issuer, Path.of(issuer.location()), crypto);
                    yield () -> loaded;
                }
                case KMS_KEY -> () -> kmsKeys.find(issuer.location()).map(List::of).orElse(List.of());
            };
            byIssuer.computeIfAbsent(issuer.issuer(), k -> new ArrayList<>()).add(keys);
        }
        return new JwtAuthenticator(settings, byIssuer, environments, crypto, clock);
    }

    static List<VerificationKey> loadJwks(JwtSettings.TrustedIssuer issuer, Path file, CryptoSuite crypto) {
        JWKSet set;
        try {
            set = JWKSet.load(file.toFile());
        } catch (IOException | ParseException e) {
            throw new IllegalArgumentException("JWT issuer " + issuer.issuer() + ": JWKS file " + file
                    + " cannot be read as a JWK Set: " + e.getMessage(), e);
        }
        if (set.getKeys().isEmpty()) {
            throw new IllegalArgumentException("JWT issuer " + issuer.issuer() + ": JWKS file " + file + " holds no keys");
        }
        List<VerificationKey> keys = new ArrayList<>();
        for (JWK jwk : set.getKeys()) {
            try {
                Jwks.TypedPublicKey key = Jwks.fromJwk(jwk);
                keys.add(new VerificationKey(jwk.getKeyID(), SignatureAlgorithm.defaultFor(key.type()),
                        crypto.publicKey(key.type(), key.spki())));
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new IllegalArgumentException("JWT issuer " + issuer.issuer() + ": JWKS file " + file + ", key "
                        + (jwk.getKeyID() == null ? "#" + keys.size() : "kid=" + jwk.getKeyID()) + " " + e.getMessage(), e);
            }
        }
        return List.copyOf(keys);
    }

    public JwtSettings settings() {
        return settings;
    }

    /**
     * The effective caller for a request authenticated by {@code certificate} that carried
     * {@code bearerToken} (null when it carried none).
     *
     * @throws KmsException 401 UNAUTHENTICATED with {@code details.reason}
     */
    public CallerIdentity authenticate(CallerIdentity certificate, String bearerToken) {
        if (bearerToken == null) {
            if (settings.required() && !exempt.contains(certificate.spiffeId())) {
                throw refused("missing_token", "this service requires a bearer token: send Authorization: Bearer <JWT>"
                        + " issued by a trusted issuer");
            }
            return certificate;
        }
        if (!settings.configured()) {
            throw refused("jwt_not_configured", "a bearer token was sent, but this service trusts no token issuer;"
                    + " send no Authorization header");
        }
        SignedJWT jwt = parse(bearerToken);
        SignatureAlgorithm algorithm = algorithmOf(jwt.getHeader());
        JWTClaimsSet claims = claimsOf(jwt);
        String issuer = claims.getIssuer();
        if (issuer == null) {
            throw refused("invalid_claims", "the token has no iss claim");
        }
        List<Supplier<List<VerificationKey>>> sources = keysByIssuer.get(issuer);
        if (sources == null) {
            throw refused("untrusted_issuer", "token issuer '" + issuer + "' is not trusted (trusted: "
                    + keysByIssuer.keySet() + ")");
        }
        verifySignature(jwt, issuer, algorithm, sources);
        try {
            claimsVerifier.verify(claims, null);
        } catch (ExpiredJWTException e) {
            throw refused("token_expired", "the token expired at " + claims.getExpirationTime().toInstant()
                    + " (allowed clock skew " + settings.clockSkew().toSeconds() + " s)");
        } catch (BadJWTException e) {
            throw refused("invalid_claims", "the token's claims are not acceptable: " + e.getMessage());
        }
        List<String> audiences = claims.getAudience();
        if (!audiences.contains(settings.audience())) {
            throw refused("wrong_audience", "the token's aud " + audiences + " does not name this service ("
                    + settings.audience() + "); a token minted for another service is not accepted here");
        }
        String subject = claims.getSubject();
        String moduleId = stringClaim(claims, "module_id");
        String tenantId = stringClaim(claims, "tenant_id");
        String environment = stringClaim(claims, "environment");
        if (subject.isBlank() || subject.length() > MAX_SUBJECT) {
            throw refused("invalid_claims", "the token's sub must be 1.." + MAX_SUBJECT + " characters");
        }
        if (!SpiffeIdentities.ID.matcher(moduleId).matches() || !SpiffeIdentities.ID.matcher(tenantId).matches()) {
            throw refused("invalid_claims", "the token's module_id and tenant_id must match " + SpiffeIdentities.ID.pattern());
        }
        if (!environments.contains(environment)) {
            throw refused("invalid_claims", "the token's environment must be one of " + environments.stream().sorted().toList());
        }
        if (!moduleId.equals(certificate.moduleId())) {
            throw refused("module_mismatch", "the token was issued to module " + moduleId
                    + ", but the client certificate is module " + certificate.moduleId());
        }
        if (!Tenancy.mayActFor(certificate, tenantId)) {
            throw refused("tenant_mismatch", "the token names tenant " + tenantId
                    + ", but the client certificate is bound to tenant " + certificate.tenantId());
        }
        return certificate.boundTo(tenantId, new TokenBinding(issuer, subject, environment));
    }

    private static SignedJWT parse(String token) {
        try {
            return SignedJWT.parse(token);
        } catch (ParseException e) {
            // also where "alg": "none" (an unsecured JWT) and JWE tokens end: neither is a JWS
            throw refused("malformed_token", "the bearer token is not a signed JWT (compact JWS with RS256 or EdDSA)");
        }
    }

    private static SignatureAlgorithm algorithmOf(JWSHeader header) {
        SignatureAlgorithm algorithm;
        if (JWSAlgorithm.RS256.equals(header.getAlgorithm())) {
            algorithm = SignatureAlgorithm.RS256;
        } else if (JWSAlgorithm.EdDSA.equals(header.getAlgorithm())) {
            algorithm = SignatureAlgorithm.EDDSA;
        } else {
            throw refused("unsupported_algorithm", "token algorithm " + header.getAlgorithm()
                    + " is not accepted; only RS256 and EdDSA are");
        }
        if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
            // RFC 7515 §4.1.11: a critical extension we do not implement (b64, …) must be refused
            throw refused("malformed_token", "the token names critical header parameters " + header.getCriticalParams()
                    + ", which this service does not implement");
        }
        return algorithm;
    }

    private static JWTClaimsSet claimsOf(SignedJWT jwt) {
        try {
            return jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw refused("malformed_token", "the token's payload is not a JWT claims set: " + e.getMessage());
        }
    }

    private void verifySignature(SignedJWT jwt, String issuer, SignatureAlgorithm algorithm,
                                 List<Supplier<List<VerificationKey>>> sources) {
        String kid = jwt.getHeader().getKeyID();
        byte[] signingInput = jwt.getSigningInput();
        byte[] signature = jwt.getSignature().decode();
        boolean candidate = false;
        for (Supplier<List<VerificationKey>> source : sources) {
            for (VerificationKey key : source.get()) {
                if (key.algorithm() != algorithm || (kid != null && key.kid() != null && !kid.equals(key.kid()))) {
                    continue;
                }
                candidate = true;
                if (crypto.verify(algorithm, key.key(), signingInput, signature)) {
                    return;
                }
            }
        }
        if (!candidate) {
            throw refused("unknown_key", "issuer " + issuer + " has no usable " + algorithm + " key"
                    + (kid == null ? "" : " with kid " + kid));
        }
        throw refused("bad_signature", "the token's signature does not verify with issuer " + issuer + "'s keys");
    }

    private static String stringClaim(JWTClaimsSet claims, String name) {
        try {
            return claims.getStringClaim(name);
        } catch (ParseException e) {
            throw refused("invalid_claims", "the token's " + name + " claim must be a string");
        }
    }

    private static KmsException refused(String reason, String message) {
        return new KmsException(ErrorCode.UNAUTHENTICATED, message, Map.of("reason", reason));
    }
}
