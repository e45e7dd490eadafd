package com.zeroui.kms.auth;

import java.net.URI;
import java.net.URISyntaxException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes caller identities as URI SANs:
 * <ul>
 *   <li>{@code spiffe://<trust-domain>/tenant/<tenant_id>/module/<module_id>} — a module bound to one tenant;</li>
 *   <li>{@code spiffe://<trust-domain>/module/<module_id>} — a platform module, bound to tenant GLOBAL;</li>
 *   <li>{@code urn:zeroui:kms:role:admin} / {@code …:approver} — roles, zero or more.</li>
 * </ul>
 * Exactly one SPIFFE ID in the configured trust domain is required.
 */
public final class SpiffeIdentities {
    /** Ids for tenants and modules: letters, digits, dot, underscore, dash; 1–64 characters. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern PATH = Pattern.compile("/(?:tenant/(" + ID.pattern() + ")/)?module/(" + ID.pattern() + ")");
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
        if (tenantId == null) {
            return "spiffe://" + trustDomain + "/module/" + moduleId;
        }
        requireId("tenant_id", tenantId);
        return "spiffe://" + trustDomain + "/tenant/" + tenantId + "/module/" + moduleId;
    }

    public static void requireId(String field, String value) {
        if (value == null || !ID.matcher(value).matches()) {
            throw new IllegalArgumentException(field + " must match " + ID.pattern() + ": " + value);
        }
    }

    /** The identity in {@code certificate}, or empty with no usable SPIFFE ID in this trust domain. */
    public Optional<CallerIdentity> identityOf(X509Certificate certificate) {
        List<String> uris = uriSans(certificate);
        CallerIdentity found = null;
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String uri : uris) {
            if (uri.startsWith(Role.URN_PREFIX)) {
                Role.fromApiName(uri.substring(Role.URN_PREFIX.length())).ifPresent(roles::add);
                continue;
            }
            Optional<CallerIdentity> parsed = parse(uri);
            if (parsed.isPresent()) {
                if (found != null) {
                    return Optional.empty(); // two identities in one certificate: ambiguous, refuse
                }
                found = parsed.get();
            }
        }
        if (found == null) {
            return Optional.empty();
        }
        return Optional.of(new CallerIdentity(found.moduleId(), found.tenantId(), roles, found.spiffeId()));
    }

    /** The identity a SPIFFE ID names (roles empty), or empty when it is not one in this trust domain. */
    public Optional<CallerIdentity> parse(String value) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
        if (!"spiffe".equals(uri.getScheme()) || !trustDomain.equals(uri.getHost()) || uri.getRawQuery() != null
                || uri.getRawFragment() != null || uri.getRawPath() == null) {
            return Optional.empty();
        }
        Matcher m = PATH.matcher(uri.getRawPath());
        if (!m.matches()) {
            return Optional.empty();
        }
        String tenant = m.group(1) == null ? CallerIdentity.GLOBAL_TENANT : m.group(1);
        return Optional.of(new CallerIdentity(m.group(2), tenant, Set.of(), value));
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
