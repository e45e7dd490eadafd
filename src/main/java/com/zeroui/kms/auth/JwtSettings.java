package com.zeroui.kms.auth;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bearer-token settings: whether a token is required, the issuers it may come from, the callers
 * exempt from the requirement, and the clock skew allowed on {@code exp}/{@code nbf}.
 *
 * @param required       every caller with a client certificate must also send a token (except {@code exemptSpiffeIds})
 * @param issuers        trusted issuers; a token's {@code iss} must name one
 * @param exemptSpiffeIds callers who authenticate by certificate alone even when tokens are required — the
 *                       token issuer itself, which signs tokens through this service and cannot need one first
 * @param clockSkew      tolerance on {@code exp} and {@code nbf}
 * @param audience       the value a token's {@code aud} must contain (RFC 7519 §4.1.3): this service's name, so
 *                       that a token the issuer minted for another service is refused here; required once an
 *                       issuer is trusted
 */
public record JwtSettings(boolean required, List<TrustedIssuer> issuers, Set<String> exemptSpiffeIds, Duration clockSkew,
                          String audience) {
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);
    public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);

    public JwtSettings {
        issuers = List.copyOf(issuers);
        exemptSpiffeIds = Set.copyOf(exemptSpiffeIds);
    }

    public static final int MAX_AUDIENCE = 256;

    /** Settings without an audience (enough while no issuer is trusted). */
    public JwtSettings(boolean required, List<TrustedIssuer> issuers, Set<String> exemptSpiffeIds, Duration clockSkew) {
        this(required, issuers, exemptSpiffeIds, clockSkew, null);
    }

    public static JwtSettings disabled() {
        return new JwtSettings(false, List.of(), Set.of(), DEFAULT_CLOCK_SKEW);
    }

    public JwtSettings withAudience(String value) {
        return new JwtSettings(required, issuers, exemptSpiffeIds, clockSkew, value);
    }

    /** Tokens are verified at all: at least one issuer is trusted. */
    public boolean configured() {
        return !issuers.isEmpty();
    }

    /** Every problem with these settings, each naming the option and what it accepts. */
    public List<String> problems(SpiffeIdentities identities) {
        List<String> problems = new ArrayList<>();
        if (required && issuers.isEmpty()) {
            problems.add("require JWT is on but no --jwt-issuer is configured to verify tokens with");
        }
        if (clockSkew == null || clockSkew.isNegative() || clockSkew.compareTo(MAX_CLOCK_SKEW) > 0) {
            problems.add("JWT clock skew " + (clockSkew == null ? null : clockSkew.toSeconds() + " s")
                    + " is outside 0.." + MAX_CLOCK_SKEW.toSeconds() + " s");
        }
        for (TrustedIssuer issuer : issuers) {
            issuer.problem().ifPresent(problems::add);
        }
        if (configured() && (audience == null || audience.isBlank())) {
            problems.add("JWT issuers are trusted but no --jwt-audience is set: name this service as tokens for it carry"
                    + " it in aud, so that a token minted for another service is refused here");
        } else if (audience != null && audience.length() > MAX_AUDIENCE) {
            problems.add("JWT audience must be 1.." + MAX_AUDIENCE + " characters");
        }
        for (String spiffeId : exemptSpiffeIds) {
            if (identities.parse(spiffeId).isEmpty()) {
                problems.add("JWT exemption '" + spiffeId + "' is not a caller SPIFFE ID in trust domain "
                        + identities.trustDomain() + " (spiffe://" + identities.trustDomain()
                        + "/[tenant/<tenant_id>/]module/<module_id>)");
            }
        }
        return problems;
    }

    /** Where a trusted issuer's keys come from. */
    public enum KeySource {
        /** A JWKS file (RFC 7517), read at start-up. */
        JWKS_FILE("jwks"),
        /** A signing key held by this KMS (the IAM module's), looked up by key id on each use. */
        KMS_KEY("key");

        private final String prefix;

        KeySource(String prefix) {
            this.prefix = prefix;
        }

        public String prefix() {
            return prefix;
        }
    }

    /**
     * One trusted issuer as configured: {@code ISSUER=jwks:FILE} or {@code ISSUER=key:KEY_ID}. An
     * entry that does not parse keeps its text in {@code issuer} with a null source, so that
     * {@link #problems} reports it together with everything else.
     */
    public record TrustedIssuer(String issuer, KeySource source, String location) {
        private static final Pattern SPEC = Pattern.compile("(.+?)=(jwks|key):(.+)", Pattern.DOTALL);
        private static final Pattern KEY_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        private static final int MAX_ISSUER = 256;

        public static TrustedIssuer parse(String spec) {
            Matcher m = SPEC.matcher(spec.trim());
            if (!m.matches()) {
                return new TrustedIssuer(spec, null, null);
            }
            KeySource source = m.group(2).equals(KeySource.JWKS_FILE.prefix()) ? KeySource.JWKS_FILE : KeySource.KMS_KEY;
            return new TrustedIssuer(m.group(1), source, m.group(3));
        }

        java.util.Optional<String> problem() {
            if (source == null) {
                return java.util.Optional.of("JWT issuer '" + issuer + "' must be ISSUER=jwks:FILE or ISSUER=key:KEY_ID");
            }
            if (issuer.isBlank() || issuer.length() > MAX_ISSUER) {
                return java.util.Optional.of("JWT issuer name must be 1.." + MAX_ISSUER + " characters: '" + issuer + "'");
            }
            if (source == KeySource.KMS_KEY && !KEY_ID.matcher(location).matches()) {
                return java.util.Optional.of("JWT issuer " + issuer + ": key:" + location + " is not a KMS key id (a UUID)");
            }
            return java.util.Optional.empty();
        }

        @Override
        public String toString() {
            return source == null ? issuer : issuer + "=" + source.prefix() + ":" + location;
        }
    }
}
