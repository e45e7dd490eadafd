package com.zeroui.kms.trust.validation;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.Provider;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.CertificateList;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.IssuingDistributionPoint;
import org.bouncycastle.asn1.x509.TBSCertList;

/**
 * One CRL decoded once: its scope, freshness fields and its entries indexed by serial number, so a
 * lookup costs one hash probe however long the list is. Signature checks are remembered per signing
 * key. Structural faults do not throw: they are kept as {@link #problem} and make the CRL unusable.
 */
final class ParsedCrl {
    private static final Set<ASN1ObjectIdentifier> PROCESSED_CRL_EXTENSIONS = Set.of(
            Extension.cRLNumber, Extension.issuingDistributionPoint, Extension.authorityKeyIdentifier,
            Extension.issuerAlternativeName, Extension.freshestCRL);
    private static final Set<ASN1ObjectIdentifier> PROCESSED_ENTRY_EXTENSIONS = Set.of(
            Extension.reasonCode, Extension.invalidityDate, Extension.instructionCode);

    private static final String[] REASON_NAMES = {"unspecified", "keyCompromise", "cACompromise",
        "affiliationChanged", "superseded", "cessationOfOperation", "certificateHold", null, "removeFromCRL",
        "privilegeWithdrawn", "aACompromise"};

    /** One revoked serial. {@code reason} is the RFC 5280 CRLReason value, or -1 when the entry gives none. */
    record Entry(Instant revocationDate, int reason) {
    }

    final X500Name issuer;
    final Instant thisUpdate;
    final Instant nextUpdate;
    final BigInteger crlNumber;
    final IssuingDistributionPoint issuingDistributionPoint;
    final byte[] authorityKeyId;
    /** Why the CRL cannot be used at all, or null. */
    final String problem;
    private final Map<BigInteger, Entry> entries;
    private final AlgorithmIdentifier signatureAlgorithm;
    private final byte[] tbsDer;
    private final byte[] signature;
    private final Map<ByteBuffer, Boolean> verifiedBy = new ConcurrentHashMap<>();

    private ParsedCrl(X500Name issuer, Instant thisUpdate, Instant nextUpdate, BigInteger crlNumber,
                      IssuingDistributionPoint idp, byte[] authorityKeyId, String problem, Map<BigInteger, Entry> entries,
                      AlgorithmIdentifier signatureAlgorithm, byte[] tbsDer, byte[] signature) {
        this.issuer = issuer;
        this.thisUpdate = thisUpdate;
        this.nextUpdate = nextUpdate;
        this.crlNumber = crlNumber;
        this.issuingDistributionPoint = idp;
        this.authorityKeyId = authorityKeyId;
        this.problem = problem;
        this.entries = entries;
        this.signatureAlgorithm = signatureAlgorithm;
        this.tbsDer = tbsDer;
        this.signature = signature;
    }

    /** Decodes {@code der}; {@code fallbackIssuer} names the CRL when even its issuer does not decode. */
    static ParsedCrl parse(byte[] der, X500Name fallbackIssuer) {
        CertificateList list;
        try {
            list = CertificateList.getInstance(der);
            if (!Arrays.equals(list.getEncoded(ASN1Encoding.DER), der)) {
                return unusable(list.getIssuer(), "the CRL is not DER-encoded");
            }
        } catch (IOException | RuntimeException e) {
            return unusable(fallbackIssuer, "the CRL does not decode: " + e.getMessage());
        }
        TBSCertList tbs = list.getTBSCertList();
        X500Name issuer = tbs.getIssuer();
        try {
            Instant thisUpdate = Asn1Times.toInstant(tbs.getThisUpdate());
            Instant nextUpdate = tbs.getNextUpdate() == null ? null : Asn1Times.toInstant(tbs.getNextUpdate());
            Extensions extensions = tbs.getExtensions();
            String problem = null;
            BigInteger number = null;
            IssuingDistributionPoint idp = null;
            byte[] aki = null;
            if (tbs.getVersionNumber() != 2) {
                problem = "the CRL is not version 2";
            } else if (!list.getSignatureAlgorithm().equals(tbs.getSignature())) {
                problem = "the CRL names different signature algorithms inside and outside the signed part";
            } else if (list.getSignature().getPadBits() != 0) {
                problem = "the CRL signature is not whole octets";
            } else if (nextUpdate == null) {
                problem = "the CRL has no nextUpdate";
            } else if (extensions == null || extensions.getExtension(Extension.cRLNumber) == null) {
                problem = "the CRL has no CRL number";
            } else {
                Extension numberExt = extensions.getExtension(Extension.cRLNumber);
                number = ASN1Integer.getInstance(numberExt.getParsedValue()).getValue();
                if (numberExt.isCritical() || number.signum() < 0 || number.toByteArray().length > 20) {
                    problem = "the CRL number is critical, negative or longer than 20 octets";
                }
                if (extensions.getExtension(Extension.deltaCRLIndicator) != null) {
                    problem = "delta CRLs are not supported";
                }
                for (ASN1ObjectIdentifier oid : extensions.getCriticalExtensionOIDs()) {
                    if (!PROCESSED_CRL_EXTENSIONS.contains(oid) && problem == null) {
                        problem = "the CRL has unprocessed critical extension " + oid.getId();
                    }
                }
                Extension idpExt = extensions.getExtension(Extension.issuingDistributionPoint);
                if (idpExt != null) {
                    idp = IssuingDistributionPoint.getInstance(idpExt.getParsedValue());
                    if (idp.isIndirectCRL() && problem == null) {
                        problem = "indirect CRLs are not supported";
                    }
                }
                Extension akiExt = extensions.getExtension(Extension.authorityKeyIdentifier);
                if (akiExt != null) {
                    AuthorityKeyIdentifier akid = AuthorityKeyIdentifier.getInstance(akiExt.getParsedValue());
                    aki = akid.getKeyIdentifier();
                }
            }
            Map<BigInteger, Entry> entries = new HashMap<>();
            Enumeration<?> revoked = tbs.getRevokedCertificateEnumeration();
            while (revoked.hasMoreElements()) {
                TBSCertList.CRLEntry entry = TBSCertList.CRLEntry.getInstance(revoked.nextElement());
                int reason = -1;
                Extensions entryExtensions = entry.getExtensions();
                if (entryExtensions != null) {
                    for (ASN1ObjectIdentifier oid : entryExtensions.getExtensionOIDs()) {
                        if (oid.equals(Extension.certificateIssuer) && problem == null) {
                            problem = "the CRL has certificateIssuer entries (indirect CRLs are not supported)";
                        } else if (!PROCESSED_ENTRY_EXTENSIONS.contains(oid)
                                && entryExtensions.getExtension(oid).isCritical() && problem == null) {
                            problem = "a CRL entry has unprocessed critical extension " + oid.getId();
                        }
                    }
                    Extension reasonExt = entryExtensions.getExtension(Extension.reasonCode);
                    if (reasonExt != null) {
                        reason = CRLReason.getInstance(reasonExt.getParsedValue()).getValue().intValueExact();
                    }
                }
                entries.put(entry.getUserCertificate().getValue(),
                        new Entry(Asn1Times.toInstant(entry.getRevocationDate()), reason));
            }
            return new ParsedCrl(issuer, thisUpdate, nextUpdate, number, idp, aki, problem, entries,
                    list.getSignatureAlgorithm(), tbs.getEncoded(ASN1Encoding.DER), list.getSignature().getOctets());
        } catch (IOException | RuntimeException e) {
            return unusable(issuer, "the CRL does not decode: " + e.getMessage());
        }
    }

    private static ParsedCrl unusable(X500Name issuer, String problem) {
        return new ParsedCrl(issuer, null, null, null, null, null, problem, Map.of(), null, new byte[0], new byte[0]);
    }

    /** The entry for {@code serial}, or null. */
    Entry entry(BigInteger serial) {
        return entries.get(serial);
    }

    int size() {
        return entries.size();
    }

    /** Whether {@code key} signed this CRL; the answer is remembered per key. Algorithm policy failures throw. */
    boolean signedBy(PublicKey key, Provider provider) throws ValidationFailure {
        ByteBuffer id = ByteBuffer.wrap(key.getEncoded());
        Boolean known = verifiedBy.get(id);
        if (known != null) {
            return known;
        }
        boolean ok = AlgorithmPolicy.verifies(signatureAlgorithm, tbsDer, signature, key, provider);
        verifiedBy.put(id, ok);
        return ok;
    }

    static String reasonName(int reason) {
        return reason >= 0 && reason < REASON_NAMES.length && REASON_NAMES[reason] != null ? REASON_NAMES[reason]
                : "unspecified";
    }
}
