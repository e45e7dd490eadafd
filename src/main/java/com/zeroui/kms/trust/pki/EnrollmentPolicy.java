package com.zeroui.kms.trust.pki;

import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.auth.Role;
import com.zeroui.kms.auth.SpiffeId;
import com.zeroui.kms.auth.SpiffeIdentities;
import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.GeneralName;

/**
 * Which identity a caller may have certified. An admin may enroll any identity of the trust
 * domain (any module, tenant and roles) and server certificates; any other caller may only
 * renew its own identity: the same SPIFFE ID (module and tenant) and no role it does not hold.
 */
public final class EnrollmentPolicy {
    /** A DNS name, optionally with one leading wildcard label; checked per label below. */
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final int MAX_CN = 64; // X.520 ub-common-name

    private final SpiffeIdentities identities;

    public EnrollmentPolicy(SpiffeIdentities identities) {
        this.identities = identities;
    }

    /** What the CA will put into the certificate. {@code subject} is the identity recorded and listed. */
    public record Enrollment(CertificateProfile profile, String subject, X500Name subjectDn, List<GeneralName> sans,
                             Set<Role> roles) {
    }

    public Enrollment decide(CallerIdentity caller, CertificateProfile profile, SigningRequest csr) {
        return switch (profile) {
            case CLIENT -> client(caller, csr);
            case SERVER -> server(caller, csr);
            case OCSP_SIGNING -> throw KmsException.invalid("profile", "profile must be one of " + CertificateProfile.ENROLLABLE);
        };
    }

    private Enrollment client(CallerIdentity caller, SigningRequest csr) {
        if (!csr.dnsNames().isEmpty() || !csr.ipAddresses().isEmpty()) {
            throw KmsException.invalid("csr", "a client certificate carries URI SANs only (a SPIFFE ID and roles); "
                    + "the CSR also asks for DNS or IP names (use profile server)");
        }
        CallerIdentity requested = null;
        EnumSet<Role> roles = EnumSet.noneOf(Role.class);
        for (String uri : csr.uris()) {
            if (uri.startsWith(Role.URN_PREFIX)) {
                roles.add(Role.fromApiName(uri.substring(Role.URN_PREFIX.length())).orElseThrow(() ->
                        KmsException.invalid("csr", "unknown role " + uri + "; roles are " + Role.URN_PREFIX + "admin, "
                                + Role.URN_PREFIX + "approver and " + Role.URN_PREFIX + "auditor")));
                continue;
            }
            if (!SpiffeId.claimsToBe(uri)) {
                throw KmsException.invalid("csr", "URI SAN '" + shortened(uri) + "' is neither a SPIFFE ID spiffe://"
                        + identities.trustDomain() + "/[tenant/<tenant_id>/]module/<module_id> nor a role");
            }
            CallerIdentity parsed;
            try {
                SpiffeId id = identities.require(uri);
                parsed = identities.parse(id.toString()).orElseThrow();
            } catch (SpiffeId.Invalid e) {
                throw KmsException.invalid("csr", "URI SAN '" + shortened(uri) + "' is not a valid SPIFFE ID: "
                        + e.getMessage());
            }
            if (requested != null) {
                throw KmsException.invalid("csr", "the CSR asks for two SPIFFE IDs; a certificate carries exactly one");
            }
            requested = parsed;
        }
        if (requested == null) {
            throw KmsException.invalid("csr", "a client certificate needs a SPIFFE ID: add the URI SAN spiffe://"
                    + identities.trustDomain() + "/[tenant/<tenant_id>/]module/<module_id> to the CSR");
        }
        if (!caller.isAdmin()) {
            if (!SpiffeId.same(requested.spiffeId(), caller.spiffeId())) {
                throw new KmsException(ErrorCode.UNAUTHORIZED, "a module may only renew its own identity "
                        + caller.spiffeId() + "; enrolling " + requested.spiffeId() + " needs the admin role",
                        Map.of("requested", requested.spiffeId(), "caller", caller.spiffeId()));
            }
            EnumSet<Role> extra = EnumSet.copyOf(roles);
            extra.removeAll(caller.roles());
            if (!extra.isEmpty()) {
                throw new KmsException(ErrorCode.UNAUTHORIZED, "a module may not add roles it does not hold: "
                        + extra.stream().map(Role::apiName).sorted().toList(),
                        Map.of("roles", extra.stream().map(Role::apiName).sorted().toList()));
            }
        }
        List<GeneralName> sans = new ArrayList<>();
        sans.add(new GeneralName(GeneralName.uniformResourceIdentifier, requested.spiffeId()));
        roles.stream().sorted().forEach(r -> sans.add(new GeneralName(GeneralName.uniformResourceIdentifier, r.urn())));
        X500Name dn = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, requested.moduleId())
                .addRDN(BCStyle.O, "ZeroUI").build();
        return new Enrollment(CertificateProfile.CLIENT, requested.spiffeId(), dn, List.copyOf(sans), Set.copyOf(roles));
    }

    private Enrollment server(CallerIdentity caller, SigningRequest csr) {
        if (!caller.isAdmin()) {
            throw new KmsException(ErrorCode.UNAUTHORIZED, "server certificates are issued to admins only",
                    Map.of("profile", CertificateProfile.SERVER.apiName()));
        }
        if (!csr.uris().isEmpty()) {
            throw KmsException.invalid("csr", "a server certificate carries DNS and IP names only; the CSR asks for URI SANs");
        }
        if (csr.dnsNames().isEmpty() && csr.ipAddresses().isEmpty()) {
            throw KmsException.invalid("csr", "a server certificate needs at least one DNS or IP subject alternative name");
        }
        List<GeneralName> sans = new ArrayList<>();
        List<String> dns = new ArrayList<>();
        for (String name : csr.dnsNames()) {
            String normalized = dnsName(name);
            dns.add(normalized);
            sans.add(new GeneralName(GeneralName.dNSName, normalized));
        }
        for (String ip : csr.ipAddresses()) {
            sans.add(new GeneralName(GeneralName.iPAddress, ip));
        }
        String first = dns.isEmpty() ? csr.ipAddresses().get(0) : dns.get(0);
        X500NameBuilder dn = new X500NameBuilder(BCStyle.INSTANCE);
        if (first.length() <= MAX_CN) {
            dn.addRDN(BCStyle.CN, first);
        }
        dn.addRDN(BCStyle.O, "ZeroUI");
        String subject = (dns.isEmpty() ? "ip:" : "dns:") + first;
        return new Enrollment(CertificateProfile.SERVER, subject, dn.build(), List.copyOf(sans), Set.of());
    }

    private static String shortened(String value) {
        return value.length() > 64 ? value.substring(0, 64) + "…" : value;
    }

    private static String dnsName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        String rest = lower.startsWith("*.") ? lower.substring(2) : lower;
        boolean valid = lower.length() <= 253 && !rest.isEmpty();
        for (String label : rest.split("\\.", -1)) {
            valid &= LABEL.matcher(label).matches();
        }
        if (!valid) {
            throw KmsException.invalid("csr", "DNS name '" + (name.length() > 64 ? name.substring(0, 64) + "…" : name)
                    + "' is not a valid host name (letters, digits and hyphens per label; one leading *. allowed)");
        }
        return lower;
    }
}
