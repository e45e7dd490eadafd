package com.zeroui.kms.ops;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Certificate enrollment and revocation publishing.
 *
 * @param publicUrl          base URL relying parties reach this service at, written into issued
 *                           certificates' CRL distribution point and OCSP (AIA) extensions; null:
 *                           {@code https://<first --hostname, else 127.0.0.1>:<port>}
 * @param maxCertificateTtl  the longest lifetime an enrolled certificate may ask for
 * @param crlValidity        a CRL's nextUpdate - thisUpdate; a CRL is re-signed once half of it has passed
 */
public record PkiConfig(URI publicUrl, Duration maxCertificateTtl, Duration crlValidity) {
    /** The shortest lifetime enrollment issues (and the least the maximum may be). */
    public static final Duration MIN_CERTIFICATE_TTL = Duration.ofMinutes(5);
    static final Duration MAX_CERTIFICATE_TTL_LIMIT = Duration.ofDays(3650);
    static final Duration MIN_CRL_VALIDITY = Duration.ofHours(1);
    static final Duration MAX_CRL_VALIDITY = Duration.ofDays(30);

    public static PkiConfig defaults() {
        return new PkiConfig(null, Duration.ofDays(365), Duration.ofHours(24));
    }

    public PkiConfig {
        if (publicUrl != null && publicUrl.getPath() != null && publicUrl.getPath().endsWith("/")) {
            String s = publicUrl.toString();
            publicUrl = URI.create(s.substring(0, s.length() - 1));
        }
    }

    void validate(List<String> problems) {
        if (publicUrl != null && (!("http".equals(publicUrl.getScheme()) || "https".equals(publicUrl.getScheme()))
                || publicUrl.getHost() == null || publicUrl.getRawQuery() != null || publicUrl.getRawFragment() != null
                || publicUrl.getRawUserInfo() != null)) {
            problems.add("public URL must be http(s)://HOST[:PORT][/PATH] without user, query or fragment: " + publicUrl);
        }
        if (maxCertificateTtl == null || maxCertificateTtl.compareTo(MIN_CERTIFICATE_TTL) < 0
                || maxCertificateTtl.compareTo(MAX_CERTIFICATE_TTL_LIMIT) > 0) {
            problems.add("max certificate TTL " + maxCertificateTtl + " is outside " + MIN_CERTIFICATE_TTL + ".."
                    + MAX_CERTIFICATE_TTL_LIMIT);
        }
        if (crlValidity == null || crlValidity.compareTo(MIN_CRL_VALIDITY) < 0 || crlValidity.compareTo(MAX_CRL_VALIDITY) > 0) {
            problems.add("CRL validity " + crlValidity + " is outside " + MIN_CRL_VALIDITY + ".." + MAX_CRL_VALIDITY);
        }
    }

    public PkiConfig withPublicUrl(URI url) {
        return new PkiConfig(url, maxCertificateTtl, crlValidity);
    }

    public PkiConfig withMaxCertificateTtl(Duration ttl) {
        return new PkiConfig(publicUrl, ttl, crlValidity);
    }

    public PkiConfig withCrlValidity(Duration validity) {
        return new PkiConfig(publicUrl, maxCertificateTtl, validity);
    }
}
