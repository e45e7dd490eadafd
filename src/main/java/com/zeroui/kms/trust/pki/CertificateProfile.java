package com.zeroui.kms.trust.pki;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** What a certificate is for; {@link #OCSP_SIGNING} is only ever issued by the service to itself. */
public enum CertificateProfile {
    /** TLS client: a SPIFFE ID (and roles) as URI SANs, clientAuth. */
    CLIENT("client"),
    /** TLS server: DNS names and IP addresses, serverAuth. */
    SERVER("server"),
    /** The delegated OCSP responder (id-kp-OCSPSigning, id-pkix-ocsp-nocheck). */
    OCSP_SIGNING("ocsp_signing");

    /** The profiles a caller may enroll for. */
    public static final List<String> ENROLLABLE = List.of(CLIENT.apiName, SERVER.apiName);

    private final String apiName;

    CertificateProfile(String apiName) {
        this.apiName = apiName;
    }

    public String apiName() {
        return apiName;
    }

    public static Optional<CertificateProfile> fromApiName(String name) {
        return Arrays.stream(values()).filter(p -> p.apiName.equals(name)).findFirst();
    }
}
