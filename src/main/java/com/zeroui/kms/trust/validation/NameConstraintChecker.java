package com.zeroui.kms.trust.validation;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.NameConstraintValidatorException;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.asn1.x509.PKIXNameConstraintValidator;

/**
 * The permitted/excluded subtree state of RFC 5280 §6.1 (steps b, c, g), kept by Bouncy Castle's
 * {@link PKIXNameConstraintValidator}, which implements the per-form matching (DNS, rfc822, IP ranges,
 * directoryName, URI) and the intersection/union rules. This class decides what is checked:
 * the subject DN, every subjectAltName, emailAddress attributes of the subject (as rfc822Name,
 * whether or not a SAN exists) and, for a leaf without a subjectAltName extension, a CN that looks
 * like a DNS name (as dNSName: otherwise a CN-only certificate would slip past DNS constraints in
 * clients that still fall back to the CN).
 *
 * <p>Also: nameConstraints must be critical (§4.2.1.10); a DNS constraint is a DNS name (a leading
 * period is URI syntax); a wildcard dNSName fails when an excluded subtree holds a name it can match;
 * a constraint on a form this class cannot process binds only certificates that carry a name of that
 * form. The work is counted (subtrees × subtrees when constraints are added, names × subtrees when
 * names are checked) and refused, before it is done, beyond {@link #MAX_COMPARISONS} per path.
 */
final class NameConstraintChecker {
    /** Comparisons allowed per path: far above real PKIs (200 constraints × 100 SANs is 20,000), and milliseconds of work. */
    static final long MAX_COMPARISONS = 1L << 16;
    private static final Set<Integer> SUPPORTED_FORMS = Set.of(GeneralName.rfc822Name, GeneralName.dNSName,
            GeneralName.directoryName, GeneralName.uniformResourceIdentifier, GeneralName.iPAddress);
    private static final Pattern HOSTNAME = Pattern.compile(
            "(\\*\\.)?([a-z0-9]([a-z0-9-]*[a-z0-9])?\\.)+[a-z0-9]([a-z0-9-]*[a-z0-9])?", Pattern.CASE_INSENSITIVE);

    private final PKIXNameConstraintValidator state = new PKIXNameConstraintValidator();
    private final List<String> excludedDns = new ArrayList<>();
    private final Set<Integer> unprocessableForms = new HashSet<>();
    private long subtrees;
    private long comparisons;
    private boolean constrained;

    /** Adds a CA certificate's nameConstraints (steps g.1–g.3). */
    void add(ParsedCertificate ca, int index) throws ValidationFailure {
        NameConstraints nc = ca.nameConstraints;
        if (nc == null) {
            return;
        }
        String who = "certificate " + index + " (" + ca.describe() + ")";
        if (!ca.nameConstraintsCritical) {
            throw new ValidationFailure(ReasonCode.NAME_CONSTRAINTS, index,
                    who + " has a non-critical nameConstraints extension; RFC 5280 §4.2.1.10 requires it critical");
        }
        GeneralSubtree[] permitted = nc.getPermittedSubtrees();
        GeneralSubtree[] excluded = nc.getExcludedSubtrees();
        if (permitted == null && excluded == null) {
            throw new ValidationFailure(ReasonCode.MALFORMED, index, who + " has an empty nameConstraints extension");
        }
        long added = (permitted == null ? 0 : permitted.length) + (excluded == null ? 0 : excluded.length);
        spend(added * (subtrees + added), index, who + "'s " + added + " name constraints");
        subtrees += added;
        List<GeneralSubtree> processablePermitted = processable(permitted, ca, index, who);
        List<GeneralSubtree> processableExcluded = processable(excluded, ca, index, who);
        if (permitted != null) {
            state.intersectPermittedSubtree(processablePermitted.toArray(GeneralSubtree[]::new));
        }
        for (GeneralSubtree subtree : processableExcluded) {
            state.addExcludedSubtree(subtree);
            if (subtree.getBase().getTagNo() == GeneralName.dNSName) {
                excludedDns.add(dns(subtree.getBase()));
            }
        }
        constrained = true;
    }

    /** The subtrees of forms this class processes; other forms are remembered and bind names of that form. */
    private List<GeneralSubtree> processable(GeneralSubtree[] subtrees, ParsedCertificate ca, int index, String who)
            throws ValidationFailure {
        List<GeneralSubtree> out = new ArrayList<>();
        if (subtrees == null) {
            return out;
        }
        for (GeneralSubtree subtree : subtrees) {
            BigInteger minimum = subtree.getMinimum();
            if ((minimum != null && minimum.signum() != 0) || subtree.getMaximum() != null) {
                throw new ValidationFailure(ReasonCode.MALFORMED, index,
                        who + " has a name constraint with minimum or maximum, which RFC 5280 forbids");
            }
            int form = subtree.getBase().getTagNo();
            if (!SUPPORTED_FORMS.contains(form)) {
                unprocessableForms.add(form);
                continue;
            }
            if (form == GeneralName.dNSName) {
                String dns = dns(subtree.getBase());
                // "" constrains every name; otherwise a DNS name (a leading period is URI-constraint syntax)
                if (!dns.isEmpty() && !DnsNames.isPreferredSyntax(dns, false)) {
                    throw new ValidationFailure(ReasonCode.NAME_CONSTRAINTS, index, who + " has DNS name constraint '"
                            + DnsNames.shorten(dns) + "', which is not a DNS name");
                }
            }
            out.add(subtree);
        }
        return out;
    }

    /** Checks the names of a certificate below the constraining CAs (steps b and c). */
    void check(ParsedCertificate cert, int index, boolean leaf) throws ValidationFailure {
        if (!constrained) {
            return;
        }
        String who = "certificate " + index + " (" + cert.describe() + ")";
        X500Name subject = cert.subject;
        List<GeneralName> names = new ArrayList<>();
        for (RDN rdn : subject.getRDNs(BCStyle.EmailAddress)) {
            if (rdn.getFirst().getValue() instanceof ASN1String email) {
                names.add(new GeneralName(GeneralName.rfc822Name, new DERIA5String(email.getString())));
            }
        }
        if (cert.subjectAltNames != null) {
            names.addAll(List.of(cert.subjectAltNames.getNames()));
        } else if (leaf) {
            for (String cn : HostnameMatcher.commonNames(subject)) {
                if (HOSTNAME.matcher(cn).matches()) {
                    names.add(new GeneralName(GeneralName.dNSName, cn));
                }
            }
        }
        spend((names.size() + 1) * subtrees, index, who + "'s " + names.size() + " names");
        try {
            if (subject.getRDNs().length > 0) {
                try {
                    state.checkPermittedDN(subject);
                } catch (NameConstraintValidatorException e) {
                    throw violation(index, who + "'s subject is outside the permitted subtrees");
                }
                try {
                    state.checkExcludedDN(subject);
                } catch (NameConstraintValidatorException e) {
                    throw violation(index, who + "'s subject is inside an excluded subtree");
                }
            }
            for (GeneralName name : names) {
                check(name, index, who);
            }
        } catch (RuntimeException e) {
            throw new ValidationFailure(ReasonCode.MALFORMED, index, who + " has a name that cannot be checked");
        }
    }

    private void check(GeneralName name, int index, String who) throws ValidationFailure {
        int form = name.getTagNo();
        if (unprocessableForms.contains(form)) {
            throw violation(index, who + " has a name of form " + form + ", which an issuer constrains and this "
                    + "validator cannot process");
        }
        if (!SUPPORTED_FORMS.contains(form)) {
            return;
        }
        try {
            state.checkPermitted(name);
        } catch (NameConstraintValidatorException e) {
            throw violation(index, who + " has " + describe(name) + " outside the permitted subtrees");
        }
        try {
            state.checkExcluded(name);
        } catch (NameConstraintValidatorException e) {
            throw violation(index, who + " has " + describe(name) + " inside an excluded subtree");
        }
        if (form == GeneralName.dNSName) {
            String dns = dns(name);
            if (dns.startsWith("*.")) {
                String suffix = dns.substring(1); // ".example.com"
                for (String excluded : excludedDns) {
                    // the wildcard matches every single label in front of the suffix: one excluded name among them suffices
                    if (excluded.endsWith(suffix) && excluded.length() > suffix.length()
                            && excluded.lastIndexOf('.', excluded.length() - suffix.length() - 1) < 0) {
                        throw violation(index, who + " has " + describe(name) + ", which can match "
                                + DnsNames.shorten(excluded) + " in an excluded subtree");
                    }
                }
            }
        }
    }

    private void spend(long work, int index, String what) throws ValidationFailure {
        comparisons += work;
        if (comparisons > MAX_COMPARISONS) {
            throw new ValidationFailure(ReasonCode.NAME_CONSTRAINTS_LIMIT, index, "checking " + what + " against the "
                    + "name constraints would exceed " + MAX_COMPARISONS + " comparisons");
        }
    }

    private static ValidationFailure violation(int index, String detail) {
        return new ValidationFailure(ReasonCode.NAME_CONSTRAINTS, index, detail);
    }

    private static String dns(GeneralName name) {
        return ((ASN1String) name.getName()).getString().toLowerCase(Locale.ROOT);
    }

    private static String describe(GeneralName name) {
        String form = switch (name.getTagNo()) {
            case GeneralName.dNSName -> "dNSName";
            case GeneralName.rfc822Name -> "rfc822Name";
            case GeneralName.uniformResourceIdentifier -> "URI";
            case GeneralName.iPAddress -> "iPAddress";
            case GeneralName.directoryName -> "directoryName";
            default -> "name of form " + name.getTagNo();
        };
        String value = name.getName() instanceof ASN1String s ? " '" + DnsNames.shorten(s.getString()) + "'" : "";
        return form + value;
    }
}
