package com.zeroui.kms.api;

import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.auth.ClientCertificates;
import com.zeroui.kms.auth.ConsoleSessions;
import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The seam between the operator console and the API: a request without a client certificate but
 * with a console session cookie is the session's identity — the one whose certificate signed the
 * console in, with its roles and tenant — marked {@code via: console}. Every /kms/v1 route then
 * authorises it exactly as the certificate itself. On each use the certificate is checked again
 * (still valid, not revoked); a state change must carry the session's CSRF token and come from
 * this origin.
 */
final class ConsoleAuthentication {
    static final String COOKIE = "__Host-kms-console";
    static final String CSRF_HEADER = "X-CSRF-Token";
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    private final ConsoleSessions sessions;
    private final ClientCertificates certificates;
    private final Predicate<X509Certificate> revoked;

    ConsoleAuthentication(ConsoleSessions sessions, ClientCertificates certificates, Predicate<X509Certificate> revoked) {
        this.sessions = sessions;
        this.certificates = certificates;
        this.revoked = revoked;
    }

    ConsoleSessions sessions() {
        return sessions;
    }

    /** Whether the request carries a console session cookie at all. */
    static boolean presented(Context ctx) {
        return ctx.cookie(COOKIE) != null;
    }

    /** The live session of this request's cookie, its certificate re-checked; 401 otherwise. */
    ConsoleSessions.Session session(Context ctx) {
        String id = ctx.cookie(COOKIE);
        ConsoleSessions.Session session = id == null ? null : sessions.find(id).orElse(null);
        if (session == null) {
            throw new KmsException(ErrorCode.UNAUTHENTICATED, "the console session is missing, expired or signed out:"
                    + " sign in again with 'kms console login'", Map.of("reason", "console_session_expired"));
        }
        try {
            certificates.authenticate(session.certificate()); // still valid now
        } catch (KmsException e) {
            sessions.end(id);
            throw e;
        }
        if (revoked.test(session.certificate())) {
            sessions.end(id);
            throw new KmsException(ErrorCode.UNAUTHENTICATED, "the client certificate that signed this console session in"
                    + " is revoked", Map.of("reason", "certificate_revoked"));
        }
        return session;
    }

    /** The caller a console request acts as: the session's identity, via the console. */
    CallerIdentity authenticate(Context ctx) {
        if (ctx.header("Authorization") != null) {
            throw new KmsException(ErrorCode.UNAUTHENTICATED, "a console session request carries no Authorization header",
                    Map.of("reason", "malformed_authorization"));
        }
        ConsoleSessions.Session session = session(ctx);
        if (!SAFE_METHODS.contains(ctx.method().name())) {
            requireSameOrigin(ctx);
            requireCsrfToken(ctx, session);
        }
        return session.identity().via(CallerIdentity.VIA_CONSOLE);
    }

    /** The double check on a state change: the session's secret token in a header no other site can set. */
    static void requireCsrfToken(Context ctx, ConsoleSessions.Session session) {
        String sent = ctx.header(CSRF_HEADER);
        if (sent == null || !MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8),
                session.csrfToken().getBytes(StandardCharsets.UTF_8))) {
            throw new KmsException(ErrorCode.UNAUTHORIZED, "a console state change needs the session's " + CSRF_HEADER
                    + " header", Map.of("reason", "csrf_token_invalid"));
        }
    }

    /**
     * A browser names where a request comes from (Origin; Sec-Fetch-Site in current browsers). A
     * cross-site one is refused even before the CSRF token is looked at.
     */
    static void requireSameOrigin(Context ctx) {
        String site = ctx.header("Sec-Fetch-Site");
        String origin = ctx.header("Origin");
        boolean crossSite = site != null && !site.equals("same-origin");
        boolean foreignOrigin = origin != null && !origin.equals("https://" + ctx.host());
        if (crossSite || foreignOrigin) {
            throw new KmsException(ErrorCode.UNAUTHORIZED, "console requests must come from the console's own origin",
                    Map.of("reason", "cross_origin_request"));
        }
    }

    static Optional<String> cookie(Context ctx) {
        return Optional.ofNullable(ctx.cookie(COOKIE));
    }
}
