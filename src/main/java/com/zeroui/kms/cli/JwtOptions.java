package com.zeroui.kms.cli;

import com.zeroui.kms.auth.JwtSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import picocli.CommandLine.Option;

/** Bearer-token options of {@code serve}; each has a KMS_* environment twin. */
final class JwtOptions {
    @Option(names = "--require-jwt", arity = "0..1", fallbackValue = "true", defaultValue = "${env:KMS_REQUIRE_JWT:-false}",
            description = "Refuse requests without a bearer token (Authorization: Bearer <JWT>) from a trusted issuer (see docs/identity.md)."
                    + " Env KMS_REQUIRE_JWT. Default: ${DEFAULT-VALUE}")
    boolean required;

    @Option(names = "--jwt-issuer", paramLabel = "ISSUER=jwks:FILE|ISSUER=key:KEY_ID",
            description = "Trusted token issuer (the iss claim) and where its keys are: ISSUER=jwks:FILE (a JWKS file, read at start-up) or"
                    + " ISSUER=key:KEY_ID (a signing key held by this KMS). Repeatable. Env KMS_JWT_ISSUERS (comma-separated)")
    List<String> issuers = new ArrayList<>();

    @Option(names = "--jwt-exempt", paramLabel = "SPIFFE_ID",
            description = "Caller that authenticates by certificate alone even with --require-jwt (the token issuer, which"
                    + " signs tokens through this KMS). Repeatable. Env KMS_JWT_EXEMPT (comma-separated)")
    List<String> exempt = new ArrayList<>();

    @Option(names = "--jwt-audience", paramLabel = "AUDIENCE", defaultValue = "${env:KMS_JWT_AUDIENCE}",
            description = "This service's name in tokens: a token's aud claim must contain it (required with --jwt-issuer)."
                    + " Env KMS_JWT_AUDIENCE")
    String audience;

    @Option(names = "--jwt-clock-skew-seconds", defaultValue = "${env:KMS_JWT_CLOCK_SKEW_SECONDS:-60}",
            description = "Tolerance on the exp and nbf claims, 0-300. Env KMS_JWT_CLOCK_SKEW_SECONDS. Default: ${DEFAULT-VALUE}")
    long clockSkewSeconds;

    JwtSettings settings() {
        List<JwtSettings.TrustedIssuer> trusted = withEnvironment(issuers, "KMS_JWT_ISSUERS").stream()
                .map(JwtSettings.TrustedIssuer::parse).toList();
        return new JwtSettings(required, trusted, new LinkedHashSet<>(withEnvironment(exempt, "KMS_JWT_EXEMPT")),
                Duration.ofSeconds(clockSkewSeconds), audience);
    }

    private static List<String> withEnvironment(List<String> fromFlags, String variable) {
        List<String> all = new ArrayList<>(fromFlags);
        String fromEnv = System.getenv(variable);
        if (fromEnv != null && !fromEnv.isBlank()) {
            Arrays.stream(fromEnv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(all::add);
        }
        return all;
    }
}
