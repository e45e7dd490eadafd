package com.zeroui.kms.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.auth.ConsoleSessions;
import com.zeroui.kms.auth.Role;
import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The operator console: its static files (plain HTML, CSS and ES modules from the jar), the
 * exchange of a one-time login code for a session cookie, the session's own description, and
 * logout. Everything the console shows or changes it asks of the /kms/v1 API with that session
 * ({@link ConsoleAuthentication}); nothing here reads or changes keys, approvals or receipts.
 */
final class ConsoleRoutes {
    static final String PATH = "/console";
    /** No inline script or style, nothing from elsewhere, not framable: the console runs only its own files. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self';"
            + " frame-ancestors 'none'";
    private static final Pattern FILE = Pattern.compile("[a-z0-9-]{1,40}\\.(html|js|css|svg)");
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "svg", "image/svg+xml");

    private final ConsoleAuthentication console;
    private final ObjectMapper mapper;

    ConsoleRoutes(ConsoleAuthentication console, ObjectMapper mapper) {
        this.console = console;
        this.mapper = mapper;
    }

    /** Hardening headers on every console answer, files and JSON alike. */
    static void secure(Context ctx) {
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cross-Origin-Opener-Policy", "same-origin");
        ctx.header("Cross-Origin-Resource-Policy", "same-origin");
        ctx.header("Strict-Transport-Security", "max-age=31536000");
    }

    void index(Context ctx) {
        serve(ctx, "index.html");
    }

    void file(Context ctx) {
        serve(ctx, ctx.pathParam("file"));
    }

    private void serve(Context ctx, String name) {
        secure(ctx);
        if (!FILE.matcher(name).matches()) {
            throw notFound(name);
        }
        try (InputStream in = ConsoleRoutes.class.getResourceAsStream("/console/" + name)) {
            if (in == null) {
                throw notFound(name);
            }
            ctx.contentType(TYPES.get(name.substring(name.lastIndexOf('.') + 1))).result(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static KmsException notFound(String name) {
        return new KmsException(ErrorCode.INVALID_REQUEST, 404, "no console file " + name, Map.of(), null);
    }

    /**
     * POST /kms/v1/console/login-links, over mutual TLS only: a one-time link that signs the
     * browser in as the certificate's identity. A console session cannot mint links for itself.
     */
    void loginLink(Context ctx) {
        QueryParams.rejectUnknown(ctx, Set.of());
        if (ctx.bodyAsBytes().length > 0) {
            JsonRequest.parse(ctx, mapper, Set.of());
        }
        CallerIdentity caller = Callers.of(ctx);
        if (caller.via() != null || Callers.certificate(ctx) == null) {
            throw new KmsException(ErrorCode.UNAUTHORIZED, "console login links are minted only for a client"
                    + " certificate: run 'kms console login' with yours", Map.of("reason", "certificate_required"));
        }
        ConsoleSessions.LoginCode code = console.sessions().issue(caller, Callers.certificate(ctx));
        Map<String, Object> body = new LinkedHashMap<>();
        // the code travels in the fragment, which browsers never send to a server or in a Referer
        body.put("url", "https://" + ctx.host() + PATH + "/login.html#" + code.code());
        body.put("expires_at", code.expiresAt().toString());
        body.put("spiffe_id", caller.spiffeId());
        ctx.status(201).json(body);
    }

    /** POST /console/session {"code": …}: spends the code and sets the session cookie. */
    void exchange(Context ctx) {
        secure(ctx);
        ConsoleAuthentication.requireSameOrigin(ctx);
        JsonRequest body = JsonRequest.parse(ctx, mapper, Set.of("code"));
        String code = body.requiredString("code", 128);
        ConsoleSessions.Established established = console.sessions().exchange(code).orElseThrow(() ->
                new KmsException(ErrorCode.UNAUTHENTICATED, "this login link was used already or has expired: run"
                        + " 'kms console login' again", Map.of("reason", "login_link_invalid")));
        long maxAge = Math.max(1, established.session().expiresAt().getEpochSecond() - java.time.Instant.now().getEpochSecond());
        // __Host-: Secure, Path=/ and no Domain, so no other host or path can set or shadow it
        ctx.header("Set-Cookie", ConsoleAuthentication.COOKIE + "=" + established.sessionId()
                + "; Path=/; Max-Age=" + maxAge + "; Secure; HttpOnly; SameSite=Strict");
        ctx.status(201).json(describe(established.session()));
    }

    /** GET /console/session: who this session is, its CSRF token and limits (read by the console's own script). */
    void session(Context ctx) {
        secure(ctx);
        ctx.json(describe(console.session(ctx)));
    }

    /** POST /console/logout: ends the session (CSRF-checked like every state change) and clears the cookie. */
    void logout(Context ctx) {
        secure(ctx);
        ConsoleSessions.Session session = console.session(ctx);
        ConsoleAuthentication.requireSameOrigin(ctx);
        ConsoleAuthentication.requireCsrfToken(ctx, session);
        ConsoleAuthentication.cookie(ctx).ifPresent(console.sessions()::end);
        ctx.header("Set-Cookie", ConsoleAuthentication.COOKIE + "=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Strict");
        ctx.status(204);
    }

    private Map<String, Object> describe(ConsoleSessions.Session session) {
        CallerIdentity id = session.identity();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("spiffe_id", id.spiffeId());
        m.put("module_id", id.moduleId());
        m.put("tenant_id", id.tenantId());
        m.put("roles", id.roles().stream().map(Role::apiName).sorted().toList());
        m.put("csrf_token", session.csrfToken());
        m.put("expires_at", session.expiresAt().toString());
        m.put("idle_timeout_seconds", console.sessions().idleTimeout().toSeconds());
        return m;
    }
}
