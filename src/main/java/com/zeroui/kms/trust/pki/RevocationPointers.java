package com.zeroui.kms.trust.pki;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.function.Supplier;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;

/**
 * Where relying parties find revocation status: the CRL distribution point and the OCSP
 * responder (authority information access) written into every enrolled certificate.
 */
public final class RevocationPointers {
    static final String API = "/kms/v1";

    private final Supplier<URI> publicUrl;

    /** {@code publicUrl} is read at issuance: with port 0 the bound port is known only once serving. */
    public RevocationPointers(Supplier<URI> publicUrl) {
        this.publicUrl = publicUrl;
    }

    public String crlUrl(String caId) {
        return publicUrl.get() + API + "/ca/" + caId + "/crl";
    }

    public String ocspUrl() {
        return publicUrl.get() + API + "/ocsp";
    }

    /** The two extensions for a certificate issued by {@code caId}, both non-critical (RFC 5280 §4.2.1.13, §4.2.2.1). */
    List<Extension> extensionsFor(String caId) {
        DistributionPoint point = new DistributionPoint(new DistributionPointName(new GeneralNames(
                new GeneralName(GeneralName.uniformResourceIdentifier, crlUrl(caId)))), null, null);
        AuthorityInformationAccess aia = new AuthorityInformationAccess(new AccessDescription(
                AccessDescription.id_ad_ocsp, new GeneralName(GeneralName.uniformResourceIdentifier, ocspUrl())));
        try {
            return List.of(new Extension(Extension.cRLDistributionPoints, false,
                            new CRLDistPoint(new DistributionPoint[] {point}).getEncoded()),
                    new Extension(Extension.authorityInfoAccess, false, aia.getEncoded()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode revocation pointers", e);
        }
    }
}
