package com.zeroui.kms.cli;

import com.zeroui.kms.ops.PkiConfig;
import java.net.URI;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Certificate enrollment and revocation options of {@code serve}; each has a KMS_* environment twin. */
final class PkiOptions {
    @Option(names = "--public-url", defaultValue = "${env:KMS_PUBLIC_URL}",
            description = "Base URL relying parties reach this service at, written into issued certificates' CRL"
                    + " distribution point (.../kms/v1/ca/internal-issuing/crl) and OCSP pointer (.../kms/v1/ocsp); http(s), no query. Env KMS_PUBLIC_URL. Default: https://<first --hostname,"
                    + " else 127.0.0.1>:<port>")
    String publicUrl;

    @Option(names = "--max-certificate-ttl", defaultValue = "${env:KMS_MAX_CERTIFICATE_TTL:-P365D}",
            description = "Longest lifetime an enrolled certificate may have (ISO-8601, PT5M..P3650D)."
                    + " Env KMS_MAX_CERTIFICATE_TTL. Default: ${DEFAULT-VALUE}")
    Duration maxCertificateTtl;

    @Option(names = "--crl-validity", defaultValue = "${env:KMS_CRL_VALIDITY:-PT24H}",
            description = "nextUpdate - thisUpdate of each CRL (ISO-8601, PT1H..P30D); re-signed after half of it."
                    + " Env KMS_CRL_VALIDITY. Default: ${DEFAULT-VALUE}")
    Duration crlValidity;

    PkiConfig settings() {
        URI url = publicUrl == null || publicUrl.isBlank() ? null : URI.create(publicUrl.trim());
        return new PkiConfig(url, maxCertificateTtl, crlValidity);
    }
}
