package com.zeroui.kms.auth;

import com.zeroui.kms.crypto.Digests;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Operator console sign-in: a caller authenticated by its client certificate mints a one-time
 * login link; the browser exchanges the link's code, once and within {@code linkTtl}, for a
 * session bound to that same identity (and certificate, re-checked on every use). A session ends
 * after {@code idleTimeout} without use, after {@code maxLifetime} in any case, or on logout.
 *
 * <p>Codes and session ids are 256 random bits, kept only as their SHA-256, in this node's memory:
 * a restart signs everyone out, and behind a load balancer the console needs sticky sessions.
 */
public final class ConsoleSessions {
    /** More live sessions or links than this and the oldest links are refused: a bound on memory. */
    static final int MAX_ENTRIES = 10_000;

    private final Clock clock;
    private final Duration linkTtl;
    private final Duration idleTimeout;
    private final Duration maxLifetime;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Link> links = new ConcurrentHashMap<>();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    public ConsoleSessions(Clock clock, Duration linkTtl, Duration idleTimeout, Duration maxLifetime) {
        this.clock = clock;
        this.linkTtl = linkTtl;
        this.idleTimeout = idleTimeout;
        this.maxLifetime = maxLifetime;
    }

    private record Link(CallerIdentity identity, X509Certificate certificate, Instant expiresAt) {
    }

    /** A live session: who it acts for, the certificate that vouched for it, its CSRF token. */
    public static final class Session {
        private final CallerIdentity identity;
        private final X509Certificate certificate;
        private final String csrfToken;
        private final Instant expiresAt;
        private volatile Instant lastUsed;

        Session(CallerIdentity identity, X509Certificate certificate, String csrfToken, Instant expiresAt, Instant now) {
            this.identity = identity;
            this.certificate = certificate;
            this.csrfToken = csrfToken;
            this.expiresAt = expiresAt;
            this.lastUsed = now;
        }

        public CallerIdentity identity() {
            return identity;
        }

        public X509Certificate certificate() {
            return certificate;
        }

        public String csrfToken() {
            return csrfToken;
        }

        public Instant expiresAt() {
            return expiresAt;
        }
    }

    /** A minted login link's secret code and when it stops working. */
    public record LoginCode(String code, Instant expiresAt) {
    }

    /** An established session: the cookie value (shown once) and the session. */
    public record Established(String sessionId, Session session) {
    }

    public Duration idleTimeout() {
        return idleTimeout;
    }

    public Duration maxLifetime() {
        return maxLifetime;
    }

    /** A one-time code for {@code identity}, who proved it with {@code certificate}. */
    public LoginCode issue(CallerIdentity identity, X509Certificate certificate) {
        prune();
        if (links.size() + sessions.size() >= MAX_ENTRIES) {
            throw new IllegalStateException("too many console sessions and login links");
        }
        String code = secret();
        Instant expires = clock.instant().plus(linkTtl);
        links.put(Digests.sha256Hex(code), new Link(identity, certificate, expires));
        return new LoginCode(code, expires);
    }

    /** Spends a login code (once: a second exchange of the same code finds nothing) for a new session. */
    public Optional<Established> exchange(String code) {
        Link link = links.remove(Digests.sha256Hex(code));
        Instant now = clock.instant();
        if (link == null || !now.isBefore(link.expiresAt())) {
            return Optional.empty();
        }
        Instant expires = now.plus(maxLifetime);
        if (!link.certificate().getNotAfter().toInstant().isAfter(expires)) {
            expires = link.certificate().getNotAfter().toInstant(); // never outlives the certificate that vouched for it
        }
        String id = secret();
        Session session = new Session(link.identity(), link.certificate(), secret(), expires, now);
        sessions.put(Digests.sha256Hex(id), session);
        return Optional.of(new Established(id, session));
    }

    /** The live session with this id, marked used now; empty when unknown, idle too long or past its lifetime. */
    public Optional<Session> find(String sessionId) {
        String key = Digests.sha256Hex(sessionId);
        Session session = sessions.get(key);
        if (session == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (!now.isBefore(session.expiresAt) || !now.isBefore(session.lastUsed.plus(idleTimeout))) {
            sessions.remove(key);
            return Optional.empty();
        }
        session.lastUsed = now;
        return Optional.of(session);
    }

    public void end(String sessionId) {
        sessions.remove(Digests.sha256Hex(sessionId));
    }

    private void prune() {
        Instant now = clock.instant();
        links.values().removeIf(l -> !now.isBefore(l.expiresAt()));
        sessions.values().removeIf(s -> !now.isBefore(s.expiresAt) || !now.isBefore(s.lastUsed.plus(idleTimeout)));
    }

    private String secret() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
