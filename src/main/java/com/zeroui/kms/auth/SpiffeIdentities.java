package com.zeroui.kms.auth;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and writes caller identities as URI SANs:
 * <ul>
 *   <li>{@code spiffe://<trust-domain>/tenant/<tenant_id>/module/<module_id>} — a module bound to one tenant;</li>
 *   <li>{@code spiffe://<trust-domain>/module/<module_id>} — a platform module, bound to tenant GLOBAL;</li>
 *   <li>{@code urn:zeroui:kms:role:admin} / {@code …:approver} — roles, zero or more.</li>
 * </ul>
 * Exactly one SPIFFE ID in the configured trust domain is required, valid per {@link SpiffeId}.
 */
public final class SpiffeIdentities {
    /** Ids for tenants and modules: letters, digits, dot, underscore, dash; 1–64 characters. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final int SAN_URI = 6;

    private final String trustDomain;

    public SpiffeIdentities(String trustDomain) {
        this.trustDomain = trustDomain;
    }

    public String trustDomain() {
        return trustDomain;
    }

    public String spiffeId(String tenantId, String moduleId) {
        requireId("module_id", moduleId);
        if (tenantId != null) {
            requireId("tenant_id", tenantId);
        }
        return new SpiffeId(trustDomain, tenantId, moduleId).toString();
    }

    public static void requireId(String field, String value) {
        if (value == null || !ID.matcher(value).matches()) {
            throw new IllegalArgumentException(field + " must match " + ID.pattern() + ": " + value);
        }
    }

    /**
     * The identity in {@code certificate}, or empty when it has none: exactly one URI SAN that claims
     * to be a SPIFFE ID, strictly valid and in this trust domain. A certificate with a malformed or
     * foreign SPIFFE ID, or two of them, carries no identity: refuse rather than pick one.
     */
    public Optional<CallerIdentity> identityOf(X509Certificate certificate) {
        List<String> uris = uriSans(certificate);
        SpiffeId found = null;
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String uri : uris) {
            if (uri.startsWith(Role.URN_PREFIX)) {
                Role.fromApiName(uri.substring(Role.URN_PREFIX.length())).ifPresent(roles::add);
                continue;
            }
            if (!SpiffeId.claimsToBe(uri)) {
                continue;
            }
            Optional<SpiffeId> parsed = parseId(uri);
            if (parsed.isEmpty() || found != null) {
                return Optional.empty();
            }
            found = parsed.get();
        }
        return found == null ? Optional.empty() : Optional.of(callerOf(found, roles));
    }

    /** The identity a SPIFFE ID names (roles empty), or empty when it is not a valid one in this trust domain. */
    public Optional<CallerIdentity> parse(String value) {
        return parseId(value).map(id -> callerOf(id, Set.of()));
    }

    /** The canonical SPIFFE ID {@code value} names, or empty when it is not a valid one in this trust domain. */
    public Optional<SpiffeId> parseId(String value) {
        return SpiffeId.tryParse(value).filter(id -> id.trustDomain().equals(trustDomain));
    }

    /**
     * Strictly parses a caller SPIFFE ID of this trust domain.
     *
     * @throws SpiffeId.Invalid saying what is wrong with it
     */
    public SpiffeId require(String value) {
        SpiffeId id = SpiffeId.parse(value);
        if (!id.trustDomain().equals(trustDomain)) {
            throw new SpiffeId.Invalid("the SPIFFE ID is not in trust domain " + trustDomain);
        }
        return id;
    }

    /** Callers carry the canonical string, never the one that was presented. */
    private static CallerIdentity callerOf(SpiffeId id, Set<Role> roles) {
        return new CallerIdentity(id.moduleId(), id.boundTenant(), roles, id.toString());
    }

    private static List<String> uriSans(X509Certificate certificate) {
        List<String> out = new ArrayList<>();
        try {
            Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (san.size() >= 2 && Integer.valueOf(SAN_URI).equals(san.get(0)) && san.get(1) instanceof String s) {
                        out.add(s);
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return List.of();
        }
        return out;
    }
}
