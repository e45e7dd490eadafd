package com.zeroui.kms.trust.validation;

import java.math.BigInteger;
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
 */
final class NameConstraintChecker {
    private static final Set<Integer> SUPPORTED_FORMS = Set.of(GeneralName.rfc822Name, GeneralName.dNSName,
            GeneralName.directoryName, GeneralName.uniformResourceIdentifier, GeneralName.iPAddress);
    private static final Pattern HOSTNAME = Pattern.compile(
            "(\\*\\.)?([a-z0-9]([a-z0-9-]*[a-z0-9])?\\.)+[a-z0-9]([a-z0-9-]*[a-z0-9])?", Pattern.CASE_INSENSITIVE);

    private final PKIXNameConstraintValidator state = new PKIXNameConstraintValidator();
    private boolean constrained;

    /** Adds a CA certificate's nameConstraints (steps g.1–g.3). */
    void add(ParsedCertificate ca, int index) throws ValidationFailure {
        NameConstraints nc = ca.nameConstraints;
        if (nc == null) {
            return;
        }
        GeneralSubtree[] permitted = nc.getPermittedSubtrees();
        GeneralSubtree[] excluded = nc.getExcludedSubtrees();
        if (permitted == null && excluded == null) {
            throw new ValidationFailure(ReasonCode.MALFORMED, index,
                    "certificate " + index + " (" + ca.describe() + ") has an empty nameConstraints extension");
        }
        checkForms(permitted, ca, index);
        checkForms(excluded, ca, index);
        if (permitted != null) {
            state.intersectPermittedSubtree(permitted);
        }
        if (excluded != null) {
            for (GeneralSubtree subtree : excluded) {
                state.addExcludedSubtree(subtree);
            }
        }
        constrained = true;
    }

    private static void checkForms(GeneralSubtree[] subtrees, ParsedCertificate ca, int index) throws ValidationFailure {
        if (subtrees == null) {
            return;
        }
        for (GeneralSubtree subtree : subtrees) {
            BigInteger minimum = subtree.getMinimum();
            if ((minimum != null && minimum.signum() != 0) || subtree.getMaximum() != null) {
                throw new ValidationFailure(ReasonCode.MALFORMED, index, "certificate " + index + " (" + ca.describe()
                        + ") has a name constraint with minimum or maximum, which RFC 5280 forbids");
            }
            int form = subtree.getBase().getTagNo();
            if (!SUPPORTED_FORMS.contains(form)) {
                // we cannot enforce it, so we cannot honour a critical promise to
                throw new ValidationFailure(ReasonCode.NAME_CONSTRAINTS, index, "certificate " + index + " ("
                        + ca.describe() + ") constrains name form " + form + ", which this validator cannot enforce");
            }
        }
    }

    /** Checks the names of a certificate below the constraining CAs (steps b and c). */
    void check(ParsedCertificate cert, int index, boolean leaf) throws ValidationFailure {
        if (!constrained) {
            return;
        }
        String who = "certificate " + index + " (" + cert.describe() + ")";
        X500Name subject = cert.subject;
        try {
            if (subject.getRDNs().length > 0) {
                state.checkPermittedDN(subject);
                state.checkExcludedDN(subject);
            }
            for (RDN rdn : subject.getRDNs(BCStyle.EmailAddress)) {
                if (rdn.getFirst().getValue() instanceof ASN1String email) {
                    check(new GeneralName(GeneralName.rfc822Name, new DERIA5String(email.getString())));
                }
            }
            if (cert.subjectAltNames != null) {
                for (GeneralName name : cert.subjectAltNames.getNames()) {
                    check(name);
                }
            } else if (leaf) {
                for (String cn : HostnameMatcher.commonNames(subject)) {
                    if (HOSTNAME.matcher(cn).matches()) {
                        check(new GeneralName(GeneralName.dNSName, cn));
                    }
                }
            }
        } catch (NameConstraintValidatorException e) {
            throw new ValidationFailure(ReasonCode.NAME_CONSTRAINTS, index, who + " violates a name constraint: "
                    + e.getMessage());
        } catch (RuntimeException e) {
            throw new ValidationFailure(ReasonCode.MALFORMED, index, who + " has a name that cannot be checked: "
                    + e.getMessage());
        }
    }

    private void check(GeneralName name) throws NameConstraintValidatorException {
        state.checkPermitted(name);
        state.checkExcluded(name);
    }
}
