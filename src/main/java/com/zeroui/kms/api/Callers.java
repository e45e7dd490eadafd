package com.zeroui.kms.api;

import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.auth.SpiffeIdentities;
import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import io.javalin.http.Context;
import java.security.cert.X509Certificate;

/**
 * Caller identity from the TLS client certificate. Jetty has already checked that the certificate
 * chains to the internal CA (the handshake fails otherwise); this reads the identity from its
 * URI SANs and answers 401 when there is no certificate or no usable identity.
 */
final class Callers {
    static final String ATTR_CALLER = "kms.caller";
    private static final String CERT_ATTRIBUTE = "jakarta.servlet.request.X509Certificate";

    private final SpiffeIdentities identities;

    Callers(SpiffeIdentities identities) {
        this.identities = identities;
    }

    void authenticate(Context ctx) {
        Object attribute = ctx.req().getAttribute(CERT_ATTRIBUTE);
        if (!(attribute instanceof X509Certificate[] chain) || chain.length == 0) {
            throw new KmsException(ErrorCode.UNAUTHENTICATED,
                    "a client certificate issued by the KMS internal CA is required");
        }
        CallerIdentity caller = identities.identityOf(chain[0]).orElseThrow(() -> new KmsException(
                ErrorCode.UNAUTHENTICATED, "the client certificate carries no identity in trust domain "
                + identities.trustDomain() + " (expected a URI SAN spiffe://" + identities.trustDomain()
                + "/[tenant/<tenant_id>/]module/<module_id>)"));
        ctx.attribute(ATTR_CALLER, caller);
    }

    static CallerIdentity of(Context ctx) {
        CallerIdentity caller = ctx.attribute(ATTR_CALLER);
        if (caller == null) {
            throw new KmsException(ErrorCode.UNAUTHENTICATED, "a client certificate is required");
        }
        return caller;
    }
}
