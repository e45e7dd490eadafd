package com.zeroui.kms.auth;

import java.util.Optional;

/**
 * A caller's SPIFFE ID in its canonical form: trust domain, tenant (null for a platform module)
 * and module. Identities are compared as these records, never as the strings callers sent.
 *
 * <p>{@link #parse} follows the SPIFFE ID specification (spiffe/standards, SPIFFE-ID.md §2) and
 * accepts nothing it forbids: scheme exactly {@code spiffe://}; a non-empty trust domain of
 * lowercase letters, digits, '.', '-' and '_' only — so no user info, port or upper case; a path
 * whose segments are non-empty, not '.' or '..', of letters, digits, '.', '-' and '_' — so no
 * percent-encoding, query, fragment or trailing slash; at most 2048 bytes. On top of that the path
 * must be one of this service's two shapes, {@code /tenant/<tenant_id>/module/<module_id>} or
 * {@code /module/<module_id>}.
 *
 * <p>{@code tenant/GLOBAL} is refused: GLOBAL is the platform tenant, which a SPIFFE ID names only
 * by leaving the tenant out ({@code spiffe://<td>/module/<module_id>}). Two spellings of one
 * identity would let one caller pass for two (e.g. approve its own request).
 */
public record SpiffeId(String trustDomain, String tenantId, String moduleId) {
    public static final String SCHEME_PREFIX = "spiffe://";
    /** SPIFFE-ID.md §2.4: URIs of at most 2048 bytes. */
    public static final int MAX_LENGTH = 2048;
    /** SPIFFE-ID.md §2.1: trust domain names of at most 255 characters. */
    public static final int MAX_TRUST_DOMAIN = 255;

    /** Why a string is not a caller SPIFFE ID; the message says what is wrong without echoing the input. */
    public static final class Invalid extends IllegalArgumentException {
        Invalid(String message) {
            super(message, null);
        }
    }

    public SpiffeId {
        if (!validTrustDomain(trustDomain)) {
            throw new Invalid("the trust domain must be 1.." + MAX_TRUST_DOMAIN
                    + " characters of lowercase letters, digits, '.', '-' and '_'");
        }
        if (moduleId == null || !SpiffeIdentities.ID.matcher(moduleId).matches()) {
            throw new Invalid("the module id must match " + SpiffeIdentities.ID.pattern());
        }
        if (tenantId != null && !SpiffeIdentities.ID.matcher(tenantId).matches()) {
            throw new Invalid("the tenant id must match " + SpiffeIdentities.ID.pattern());
        }
        if (CallerIdentity.GLOBAL_TENANT.equals(tenantId)) {
            throw new Invalid("tenant/" + CallerIdentity.GLOBAL_TENANT + " is reserved: a platform module's SPIFFE ID"
                    + " names no tenant (spiffe://" + trustDomain + "/module/<module_id>)");
        }
    }

    /** The tenant this identity is bound to: its own, or GLOBAL for a platform module. */
    public String boundTenant() {
        return tenantId == null ? CallerIdentity.GLOBAL_TENANT : tenantId;
    }

    /** The one string form of this identity. */
    @Override
    public String toString() {
        return SCHEME_PREFIX + trustDomain + (tenantId == null ? "" : "/tenant/" + tenantId) + "/module/" + moduleId;
    }

    /** Whether a URI SAN or claim is meant as a SPIFFE ID at all (whatever its spelling), and so must parse. */
    public static boolean claimsToBe(String value) {
        return value != null && value.regionMatches(true, 0, "spiffe:", 0, "spiffe:".length());
    }

    /**
     * Whether two strings name the same identity: both are valid SPIFFE IDs with equal canonical
     * forms. A string that does not parse names no one, not even itself.
     */
    public static boolean same(String a, String b) {
        Optional<SpiffeId> first = tryParse(a);
        return first.isPresent() && first.equals(tryParse(b));
    }

    /** The identity {@code value} names, or empty when it is not a valid caller SPIFFE ID. */
    public static Optional<SpiffeId> tryParse(String value) {
        try {
            return Optional.of(parse(value));
        } catch (Invalid e) {
            return Optional.empty();
        }
    }

    /**
     * Strictly parses a caller SPIFFE ID (in any trust domain: callers check theirs).
     *
     * @throws Invalid saying which rule {@code value} breaks
     */
    public static SpiffeId parse(String value) {
        if (value == null || value.isEmpty()) {
            throw new Invalid("the SPIFFE ID is empty");
        }
        if (value.length() > MAX_LENGTH) {
            throw new Invalid("the SPIFFE ID is longer than " + MAX_LENGTH + " bytes");
        }
        if (!value.startsWith(SCHEME_PREFIX)) {
            throw new Invalid("a SPIFFE ID starts with " + SCHEME_PREFIX + " (lowercase scheme, no other form)");
        }
        String rest = value.substring(SCHEME_PREFIX.length());
        int slash = rest.indexOf('/');
        String trustDomain = slash < 0 ? rest : rest.substring(0, slash);
        checkTrustDomain(trustDomain);
        if (slash < 0) {
            throw new Invalid("the SPIFFE ID has no path; a caller's is /[tenant/<tenant_id>/]module/<module_id>");
        }
        String[] segments = rest.substring(slash + 1).split("/", -1);
        for (String segment : segments) {
            checkSegment(segment);
        }
        if (segments.length == 2 && segments[0].equals("module")) {
            return new SpiffeId(trustDomain, null, segments[1]);
        }
        if (segments.length == 4 && segments[0].equals("tenant") && segments[2].equals("module")) {
            return new SpiffeId(trustDomain, segments[1], segments[3]);
        }
        throw new Invalid("the SPIFFE ID's path is not /[tenant/<tenant_id>/]module/<module_id>");
    }

    private static boolean validTrustDomain(String trustDomain) {
        if (trustDomain == null || trustDomain.isEmpty() || trustDomain.length() > MAX_TRUST_DOMAIN) {
            return false;
        }
        for (int i = 0; i < trustDomain.length(); i++) {
            char c = trustDomain.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    private static void checkTrustDomain(String trustDomain) {
        if (trustDomain.isEmpty()) {
            throw new Invalid("the SPIFFE ID's trust domain is empty");
        }
        if (trustDomain.indexOf('@') >= 0) {
            throw new Invalid("a SPIFFE ID has no user info ('@' in the authority)");
        }
        if (trustDomain.indexOf(':') >= 0) {
            throw new Invalid("a SPIFFE ID has no port (':' in the authority)");
        }
        if (!trustDomain.equals(trustDomain.toLowerCase(java.util.Locale.ROOT))) {
            throw new Invalid("a SPIFFE ID's trust domain is lowercase");
        }
        if (!validTrustDomain(trustDomain)) {
            throw new Invalid("the trust domain must be 1.." + MAX_TRUST_DOMAIN
                    + " characters of lowercase letters, digits, '.', '-' and '_'");
        }
    }

    private static void checkSegment(String segment) {
        if (segment.isEmpty()) {
            throw new Invalid("the SPIFFE ID's path has an empty segment ('//' or a trailing '/')");
        }
        if (segment.equals(".") || segment.equals("..")) {
            throw new Invalid("the SPIFFE ID's path has a dot segment ('.' or '..')");
        }
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-'
                    || c == '_') {
                continue;
            }
            throw new Invalid(switch (c) {
                case '%' -> "a SPIFFE ID has no percent-encoding";
                case '?' -> "a SPIFFE ID has no query";
                case '#' -> "a SPIFFE ID has no fragment";
                default -> "the SPIFFE ID's path may hold only letters, digits, '.', '-', '_' and '/'";
            });
        }
    }
}
