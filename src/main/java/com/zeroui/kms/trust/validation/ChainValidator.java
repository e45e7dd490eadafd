package com.zeroui.kms.trust.validation;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.zeroui.kms.crypto.CryptoSuite;
import java.nio.ByteBuffer;
import java.security.Provider;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Validates a presented certificate chain against a set of trust anchors: builds candidate paths
 * ({@link PathBuilder}), validates each strictly ({@link PathValidator}), checks revocation by CRL
 * ({@link RevocationChecker}) and finally the hostname ({@link HostnameMatcher}). Thread-safe; one
 * instance is meant to be shared so that its CRL cache is.
 *
 * <p>Outcome precedence: the first candidate path that passes structural and revocation checks wins.
 * When none does, the failure of the first candidate (the most preferred one) is reported; when no
 * candidate reached an anchor, {@link ReasonCode#UNTRUSTED_ROOT} or {@link ReasonCode#PATH_NOT_FOUND}.
 */
public final class ChainValidator {
    private final Clock clock;
    private final PathBuildingLimits limits;
    private final CrlCache crlCache;
    private final Provider signatureProvider;
    /** Decoded certificates by encoding: trust anchors and intermediates recur in every request. */
    private final Cache<ByteBuffer, ParsedCertificate> parsed = Caffeine.newBuilder().maximumSize(10_000).build();

    /** System clock, default bounds, a fresh CRL cache, AWS-LC for signatures where it loads. */
    public ChainValidator() {
        this(Clock.systemUTC(), PathBuildingLimits.DEFAULT, new CrlCache());
    }

    public ChainValidator(Clock clock, PathBuildingLimits limits, CrlCache crlCache) {
        this(clock, limits, crlCache, CryptoSuite.correttoIfLoaded().orElse(null));
    }

    /**
     * @param signatureProvider tried first for signature verification (falling back to the JDK's
     *                          providers when it lacks an algorithm or refuses a key); null for the
     *                          JDK's providers only, as with {@code --crypto-provider jdk}
     */
    public ChainValidator(Clock clock, PathBuildingLimits limits, CrlCache crlCache, Provider signatureProvider) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.crlCache = Objects.requireNonNull(crlCache, "crlCache");
        this.signatureProvider = signatureProvider;
    }

    public ValidationResult validate(ValidationRequest request) {
        Instant time = request.time() != null ? request.time() : clock.instant();
        List<ValidationRequest.CertificateInput> chain = request.chain();

        ParsedCertificate leaf;
        List<ParsedCertificate> presented = new ArrayList<>();
        List<ParsedCertificate> anchors = new ArrayList<>();
        try {
            leaf = parse(chain.get(0), 0, "leaf");
            for (int i = 1; i < chain.size(); i++) {
                presented.add(parse(chain.get(i), i, "chain certificate " + i));
            }
            for (int i = 0; i < request.trustAnchors().size(); i++) {
                anchors.add(parse(request.trustAnchors().get(i), -1, "trust anchor " + i));
            }
        } catch (ValidationFailure f) {
            // nothing was built: the index refers to the presented chain
            return new ValidationResult(false, f.reason(), f.getMessage(), List.of(), f.index(),
                    RevocationStatus.NOT_CHECKED);
        }

        List<Revoked> revoked = new ArrayList<>();
        for (ValidationRequest.RevokedAnchor r : request.revokedAnchors()) {
            try {
                ParsedCertificate c = parse(new ValidationRequest.CertificateInput(r.der(), null), -1, "revoked anchor");
                revoked.add(new Revoked(c, r.detail()));
                if (anchors.stream().noneMatch(c::sameEncoding)) {
                    anchors.add(c); // so that a path to it is found, and refused with its own reason
                }
            } catch (ValidationFailure f) {
                // a stored anchor that no longer decodes cannot end a path either
            }
        }
        for (ParsedCertificate anchor : anchors) {
            if (anchor.sameEncoding(leaf)) {
                return validateAnchorAsLeaf(anchor, request, time, revoked);
            }
        }
        List<ParsedCertificate> bag = new ArrayList<>();
        for (ParsedCertificate c : presented) {
            boolean duplicate = c.sameEncoding(leaf)
                    || anchors.stream().anyMatch(c::sameEncoding) || bag.stream().anyMatch(c::sameEncoding);
            if (!duplicate) {
                bag.add(c);
            }
        }
        List<ParsedCrl> crls = request.revocationMode() == RevocationMode.NONE ? List.of() : parseCrls(request.crls());
        RevocationChecker.Evidence evidence = new RevocationChecker.Evidence(crls, request.ocspResponses(),
                request.responderStatus(), bag);

        Attempt attempt = new Attempt();
        PathBuilder.Outcome outcome = new PathBuilder(anchors, bag, limits, time, signatureProvider).search(leaf, candidate -> {
            try {
                checkNotRevokedAnchor(candidate, revoked);
                PathValidator.validate(candidate, request.purpose(), time, signatureProvider, request.maxPathLength());
                if (request.profile() == Profile.WEBPKI) {
                    WebPkiProfile.check(candidate, request.purpose(), signatureProvider);
                }
            } catch (ValidationFailure f) {
                attempt.fail(f, candidate, RevocationStatus.NOT_CHECKED);
                return false;
            }
            RevocationStatus revocation = RevocationStatus.NOT_CHECKED;
            String note = "revocation not checked";
            if (request.revocationMode() != RevocationMode.NONE) {
                RevocationChecker.PathRevocation r = RevocationChecker.check(candidate, evidence, time,
                        request.revocationMode(), signatureProvider);
                if (r.failure() != null) {
                    attempt.fail(r.failure(), candidate, r.status());
                    return false;
                }
                revocation = r.status();
                note = r.note();
            }
            attempt.succeed(candidate, revocation, note);
            return true;
        });

        if (outcome.found()) {
            List<X509Certificate> path = x509(attempt.path);
            if (request.hostname() != null && !HostnameMatcher.matches(leaf, request.hostname(), cnFallback(request))) {
                return new ValidationResult(false, ReasonCode.HOSTNAME_MISMATCH,
                        "leaf (" + leaf.describe() + ") is not valid for host " + request.hostname(), path, 0,
                        attempt.revocation);
            }
            return new ValidationResult(true, ReasonCode.OK, "path of " + path.size() + " certificates to trust anchor "
                    + attempt.path.get(attempt.path.size() - 1).describe() + "; " + attempt.note, path, -1,
                    attempt.revocation);
        }
        if (attempt.failure != null) {
            return failure(attempt.failure, x509(attempt.path), attempt.revocation);
        }
        if (outcome.exhausted()) {
            return new ValidationResult(false, ReasonCode.PATH_NOT_FOUND, "no path to a trust anchor within the "
                    + "path building bounds (" + limits + ")", List.of(leaf.x509()), -1, RevocationStatus.NOT_CHECKED);
        }
        if (outcome.untrustedRootPath() != null) {
            List<ParsedCertificate> p = outcome.untrustedRootPath();
            ParsedCertificate root = p.get(p.size() - 1);
            return new ValidationResult(false, ReasonCode.UNTRUSTED_ROOT, "the chain ends at self-signed "
                    + root.describe() + ", which is not a trust anchor", x509(p), p.size() - 1, RevocationStatus.NOT_CHECKED);
        }
        List<ParsedCertificate> p = outcome.deadEndPath() != null ? outcome.deadEndPath() : List.of(leaf);
        ParsedCertificate top = p.get(p.size() - 1);
        return new ValidationResult(false, ReasonCode.PATH_NOT_FOUND, "no issuer " + top.issuer + " of "
                + top.describe() + " among the presented certificates and trust anchors", x509(p), p.size() - 1,
                RevocationStatus.NOT_CHECKED);
    }

    private ValidationResult validateAnchorAsLeaf(ParsedCertificate anchor, ValidationRequest request, Instant time,
                                                  List<Revoked> revoked) {
        List<X509Certificate> path = List.of(anchor.x509());
        try {
            checkNotRevokedAnchor(List.of(anchor), revoked);
            PathValidator.validate(List.of(anchor), request.purpose(), time, signatureProvider, request.maxPathLength());
            if (request.profile() == Profile.WEBPKI) {
                WebPkiProfile.check(List.of(anchor), request.purpose(), signatureProvider);
            }
        } catch (ValidationFailure f) {
            return failure(f, path, RevocationStatus.NOT_CHECKED);
        }
        if (request.hostname() != null && !HostnameMatcher.matches(anchor, request.hostname(), cnFallback(request))) {
            return new ValidationResult(false, ReasonCode.HOSTNAME_MISMATCH, "the presented trust anchor ("
                    + anchor.describe() + ") is not valid for host " + request.hostname(), path, 0,
                    RevocationStatus.NOT_CHECKED);
        }
        return new ValidationResult(true, ReasonCode.OK, "the presented certificate is a trust anchor", path, -1,
                RevocationStatus.NOT_CHECKED);
    }

    /** The webpki profile never reads a hostname from the CN. */
    private static boolean cnFallback(ValidationRequest request) {
        return request.profile() != Profile.WEBPKI;
    }

    /** A trust anchor revoked in the trust store: any certificate of the path with its subject and key ends it. */
    private static void checkNotRevokedAnchor(List<ParsedCertificate> path, List<Revoked> revoked) throws ValidationFailure {
        for (int i = path.size() - 1; i >= 0; i--) {
            for (Revoked r : revoked) {
                if (path.get(i).sameEncoding(r.certificate()) || path.get(i).sameSubjectAndKey(r.certificate())) {
                    throw new ValidationFailure(ReasonCode.ANCHOR_REVOKED, i, (i == path.size() - 1 ? "trust anchor ("
                            : "certificate " + i + " (") + path.get(i).describe() + ") was revoked as a trust anchor: "
                            + r.detail());
                }
            }
        }
    }

    private record Revoked(ParsedCertificate certificate, String detail) {
    }

    private ParsedCertificate parse(ValidationRequest.CertificateInput input, int index, String who)
            throws ValidationFailure {
        ByteBuffer key = ByteBuffer.wrap(input.der());
        ParsedCertificate cached = parsed.getIfPresent(key);
        if (cached != null) {
            return cached;
        }
        ParsedCertificate fresh = ParsedCertificate.parse(input.der(), input.original(), index, who);
        parsed.put(key, fresh);
        return fresh;
    }

    private List<ParsedCrl> parseCrls(List<X509CRL> crls) {
        List<ParsedCrl> parsed = new ArrayList<>(crls.size());
        for (X509CRL crl : crls) {
            parsed.add(crlCache.get(crl));
        }
        return parsed;
    }

    private static ValidationResult failure(ValidationFailure f, List<X509Certificate> path, RevocationStatus revocation) {
        int index = f.index() < path.size() ? f.index() : -1;
        return new ValidationResult(false, f.reason(), f.getMessage(), path, index, revocation);
    }

    private static List<X509Certificate> x509(List<ParsedCertificate> path) {
        return path.stream().map(ParsedCertificate::x509).toList();
    }

    /** The first failed candidate (reported if none passes) or the accepted one. */
    private static final class Attempt {
        ValidationFailure failure;
        List<ParsedCertificate> path;
        RevocationStatus revocation = RevocationStatus.NOT_CHECKED;
        String note;

        void fail(ValidationFailure f, List<ParsedCertificate> candidate, RevocationStatus status) {
            if (failure == null) {
                failure = f;
                path = candidate;
                revocation = status;
            }
        }

        void succeed(List<ParsedCertificate> candidate, RevocationStatus status, String note) {
            this.failure = null;
            this.path = candidate;
            this.revocation = status;
            this.note = note;
        }
    }
}
