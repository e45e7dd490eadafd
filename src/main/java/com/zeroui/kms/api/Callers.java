package com.zeroui.kms.api;

import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.auth.JwtAuthenticator;
import com.zeroui.kms.auth.ClientCertificates;
import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import io.javalin.http.Context;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Caller identity from the TLS client certificate, narrowed by a bearer token when one is sent.
 * Jetty has already checked that the certificate chains to the internal CA (the handshake fails
 * otherwise); this reads the identity from its URI SANs, checks the certificate is valid now (on
 * every request, however the connection was set up) and not revoked, hands it and the {@code Authorization:
 * Bearer} token to the {@link JwtAuthenticator}, and answers 401 when either is missing or unusable.
 */
final class Callers {
    static final String ATTR_CALLER = "kms.caller";
    private static final String CERT_ATTRIBUTE = "jakarta.servlet.request.X509Certificate";
    private static final String BEARER = "Bearer";

    private final ClientCertificates certificates;
    private final JwtAuthenticator tokens;
    private final Predicate<X509Certificate> revoked;
    private final ConsoleAuthentication console;

    Callers(ClientCertificates certificates, JwtAuthenticator tokens, Predicate<X509Certificate> revoked,
            ConsoleAuthentication console) {
        this.certificates = certificates;
        this.tokens = tokens;
        this.revoked = revoked;
        this.console = console;
    }

    void authenticate(Context ctx) {
        if (!(ctx.req().getAttribute(CERT_ATTRIBUTE) instanceof X509Certificate[] chain) || chain.length == 0) {
            if (ConsoleAuthentication.presented(ctx)) {
                // no certificate on this connection: a browser with a console session, acting as the session's identity
                ctx.attribute(ATTR_CALLER, console.authenticate(ctx));
                return;
            }
            throw new KmsException(ErrorCode.UNAUTHENTICATED,
                    "a client certificate issued by the KMS internal CA is required");
        }
        CallerIdentity certificate = certificates.authenticate(chain[0]); // identity, and valid now
        if (revoked.test(chain[0])) {
            throw new KmsException(ErrorCode.UNAUTHENTICATED, "the client certificate (serial "
                    + chain[0].getSerialNumber().toString(16) + ") is revoked", Map.of("reason", "certificate_revoked"));
        }
        String token = bearerToken(ctx);
        try {
            ctx.attribute(ATTR_CALLER, tokens.authenticate(certificate, token));
        } catch (KmsException e) {
            if (e.code() == ErrorCode.UNAUTHENTICATED) {
                // RFC 6750 §3: tell the client which scheme is expected and whether its token was the problem
                ctx.header("WWW-Authenticate", token == null ? BEARER : BEARER + " error=\"invalid_token\"");
            }
            throw e; // or a storage outage while looking up an issuer key: 503, retryable
        }
    }

    /**
     * For endpoints that also serve callers without a certificate: authenticates (certificate and
     * token) when a certificate was presented; otherwise the request stays anonymous.
     */
    void authenticateIfPresented(Context ctx) {
        if (ctx.req().getAttribute(CERT_ATTRIBUTE) instanceof X509Certificate[] chain && chain.length > 0) {
            authenticate(ctx);
        }
    }

    /** The leaf certificate this request's TLS connection presented, or null. */
    static X509Certificate certificate(Context ctx) {
        return ctx.req().getAttribute(CERT_ATTRIBUTE) instanceof X509Certificate[] chain && chain.length > 0 ? chain[0] : null;
    }

    static CallerIdentity of(Context ctx) {
        CallerIdentity caller = ctx.attribute(ATTR_CALLER);
        if (caller == null) {
            throw new KmsException(ErrorCode.UNAUTHENTICATED, "a client certificate is required");
        }
        return caller;
    }

    static Optional<CallerIdentity> ifAuthenticated(Context ctx) {
        return Optional.ofNullable(ctx.attribute(ATTR_CALLER));
    }

    /** The token of the one {@code Authorization: Bearer <token>} header (RFC 6750 §2.1), or null without one. */
    private static String bearerToken(Context ctx) {
        List<String> headers = Collections.list(ctx.req().getHeaders("Authorization"));
        if (headers.isEmpty()) {
            return null;
        }
        String header = headers.get(0);
        int space = header.indexOf(' ');
        if (headers.size() > 1 || space < 0 || !header.substring(0, space).equalsIgnoreCase(BEARER)
                || header.substring(space + 1).isBlank()) {
            throw new KmsException(ErrorCode.UNAUTHENTICATED, "the Authorization header must be one 'Bearer <JWT>'",
                    Map.of("reason", "malformed_authorization"));
        }
        return header.substring(space + 1).trim();
    }
}
