package com.zeroui.kms.ops;

import com.zeroui.kms.approvals.ApprovalRules;
import com.zeroui.kms.keys.DualAuthorization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Dual authorization: which operations need a second person's approval, how long requests and
 * tokens live, and which external governance issuers may mint tokens.
 *
 * @param tokenTtl          lifetime of a token minted on approval (default 10 minutes)
 * @param requestTtl        how long a pending request may wait for its approver (default 24 hours)
 * @param alwaysRequired    operations that need approval on every key
 * @param globalTenantKeys  whether every lifecycle operation on GLOBAL-tenant keys, and generating one, needs approval
 * @param externalIssuers   governance systems whose tokens are accepted, by name (their {@code iss}) and PEM public key
 */
public record ApprovalConfig(Duration tokenTtl, Duration requestTtl, Set<String> alwaysRequired, boolean globalTenantKeys,
                             List<ExternalIssuer> externalIssuers) {
    private static final Pattern ISSUER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /** {@code name=path.pem}: an issuer's {@code iss} and its Ed25519 or RSA-2048 public key file. */
    public record ExternalIssuer(String name, Path publicKeyPem) {
        public static ExternalIssuer parse(String spec) {
            int eq = spec.indexOf('=');
            if (eq < 1 || eq == spec.length() - 1) {
                throw new IllegalArgumentException("invalid configuration: approval issuer '" + spec
                        + "' must be NAME=PATH_TO_PUBLIC_KEY.pem");
            }
            return new ExternalIssuer(spec.substring(0, eq).trim(), Path.of(spec.substring(eq + 1).trim()));
        }
    }

    public ApprovalConfig {
        alwaysRequired = Set.copyOf(alwaysRequired);
        externalIssuers = List.copyOf(externalIssuers);
    }

    public static ApprovalConfig defaults() {
        return new ApprovalConfig(Duration.ofMinutes(10), Duration.ofHours(24), ApprovalRules.DEFAULT_ALWAYS, true, List.of());
    }

    /** Parses "none" or a comma-separated list of operation names (e.g. from KMS_APPROVAL_REQUIRED_OPERATIONS). */
    public static Set<String> parseOperations(String spec) {
        String s = spec == null ? "" : spec.trim().toLowerCase(Locale.ROOT);
        if (s.isEmpty() || s.equals("none")) {
            return Set.of();
        }
        Set<String> out = new HashSet<>();
        for (String name : s.split(",")) {
            if (!name.isBlank()) {
                out.add(name.trim());
            }
        }
        return out;
    }

    public ApprovalRules rules() {
        return new ApprovalRules(alwaysRequired, globalTenantKeys);
    }

    void validate(List<String> problems) {
        if (tokenTtl == null || tokenTtl.compareTo(Duration.ofSeconds(10)) < 0 || tokenTtl.compareTo(Duration.ofHours(24)) > 0) {
            problems.add("approval token TTL " + tokenTtl + " is outside PT10S..PT24H");
        }
        if (requestTtl == null || requestTtl.compareTo(Duration.ofMinutes(1)) < 0 || requestTtl.compareTo(Duration.ofDays(30)) > 0) {
            problems.add("approval request TTL " + requestTtl + " is outside PT1M..P30D");
        }
        for (String op : alwaysRequired) {
            if (!DualAuthorization.OPERATIONS.contains(op)) {
                problems.add("approval-required operation '" + op + "' is not one of "
                        + new TreeSet<>(DualAuthorization.OPERATIONS));
            }
        }
        Set<String> names = new HashSet<>();
        for (ExternalIssuer issuer : externalIssuers) {
            if (!ISSUER_NAME.matcher(issuer.name()).matches()) {
                problems.add("approval issuer name '" + issuer.name() + "' must match " + ISSUER_NAME.pattern());
            }
            if (!names.add(issuer.name())) {
                problems.add("approval issuer '" + issuer.name() + "' is configured twice");
            }
            if (!Files.isRegularFile(issuer.publicKeyPem()) || !Files.isReadable(issuer.publicKeyPem())) {
                problems.add("approval issuer '" + issuer.name() + "': public key file " + issuer.publicKeyPem()
                        + " is not a readable file");
            }
        }
    }

    /** As shown by GET /config. */
    public List<String> issuerNames() {
        List<String> out = new ArrayList<>();
        externalIssuers.forEach(i -> out.add(i.name()));
        return out;
    }
}
