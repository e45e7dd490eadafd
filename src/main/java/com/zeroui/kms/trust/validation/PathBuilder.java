package com.zeroui.kms.trust.validation;

import java.security.Provider;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * Builds candidate paths from the leaf to a trust anchor out of an unordered bag of intermediates
 * (RFC 4158), depth first, and hands each complete candidate to a validator until one passes.
 *
 * <p>Issuers are found by name (issuer DN = subject DN). At every step the anchors come first, then
 * intermediates; within each, candidates whose subjectKeyIdentifier matches the child's
 * authorityKeyIdentifier come first, then those valid at the validation time, then the newest.
 * A certificate whose subject and public key already appear in the path is never added again, which
 * cuts loops between cross-signed CAs. The search stops at the bounds of {@link PathBuildingLimits}.
 */
final class PathBuilder {
    private final List<ParsedCertificate> anchors;
    private final List<ParsedCertificate> intermediates;
    private final PathBuildingLimits limits;
    private final Instant time;
    private final Provider provider;

    private int lookups;
    private int candidates;
    private boolean exhausted;
    private boolean accepted;
    private List<ParsedCertificate> untrustedRootPath;
    private List<ParsedCertificate> deadEndPath;

    /** What the search found besides the candidates it handed over. */
    record Outcome(boolean found, int candidatesTried, boolean exhausted, List<ParsedCertificate> untrustedRootPath,
                   List<ParsedCertificate> deadEndPath) {
    }

    PathBuilder(List<ParsedCertificate> anchors, List<ParsedCertificate> intermediates, PathBuildingLimits limits,
                Instant time, Provider provider) {
        this.provider = provider;
        this.anchors = anchors;
        this.intermediates = intermediates;
        this.limits = limits;
        this.time = time;
    }

    /** Offers candidate paths (leaf first, anchor last) to {@code accept} until it returns true or the search ends. */
    Outcome search(ParsedCertificate leaf, Predicate<List<ParsedCertificate>> accept) {
        List<ParsedCertificate> path = new ArrayList<>();
        path.add(leaf);
        extend(path, accept);
        return new Outcome(accepted, candidates, exhausted, untrustedRootPath, deadEndPath);
    }

    /** Returns true when the search must stop (a path was accepted, or a bound was reached). */
    private boolean extend(List<ParsedCertificate> path, Predicate<List<ParsedCertificate>> accept) {
        ParsedCertificate current = path.get(path.size() - 1);
        boolean anyIssuer = false;
        for (ParsedCertificate anchor : issuersOf(current, anchors)) {
            if (inPath(path, anchor)) {
                continue;
            }
            anyIssuer = true;
            if (++lookups > limits.maxIssuerLookups()) {
                exhausted = true;
                return true;
            }
            List<ParsedCertificate> candidate = new ArrayList<>(path);
            candidate.add(anchor);
            candidates++;
            if (accept.test(candidate)) {
                accepted = true;
                return true;
            }
            if (candidates >= limits.maxCandidatePaths()) {
                exhausted = true;
                return true;
            }
        }
        // an intermediate only helps if there is still room for it and an anchor above it
        boolean room = path.size() + 2 <= limits.maxPathCertificates();
        for (ParsedCertificate ca : issuersOf(current, intermediates)) {
            if (inPath(path, ca)) {
                continue;
            }
            anyIssuer = true;
            if (!room) {
                exhausted = true;
                continue;
            }
            if (++lookups > limits.maxIssuerLookups()) {
                exhausted = true;
                return true;
            }
            path.add(ca);
            boolean stop = extend(path, accept);
            path.remove(path.size() - 1);
            if (stop) {
                return true;
            }
        }
        if (!anyIssuer) {
            if (current.isSelfSigned(provider)) {
                if (untrustedRootPath == null) {
                    untrustedRootPath = List.copyOf(path);
                }
            } else if (deadEndPath == null) {
                deadEndPath = List.copyOf(path);
            }
        }
        return false;
    }

    private static boolean inPath(List<ParsedCertificate> path, ParsedCertificate candidate) {
        for (ParsedCertificate c : path) {
            if (c.sameEncoding(candidate) || c.sameSubjectAndKey(candidate)) {
                return true;
            }
        }
        return false;
    }

    private List<ParsedCertificate> issuersOf(ParsedCertificate child, List<ParsedCertificate> pool) {
        List<ParsedCertificate> found = new ArrayList<>();
        for (ParsedCertificate c : pool) {
            if (c.subject.equals(child.issuer)) {
                found.add(c);
            }
        }
        if (found.size() > 1) {
            byte[] aki = child.authorityKeyId == null ? null : child.authorityKeyId.getKeyIdentifier();
            found.sort(Comparator.<ParsedCertificate>comparingInt(c -> keyIdRank(aki, c))
                    .thenComparingInt(c -> validAt(c) ? 0 : 1)
                    .thenComparing(c -> c.notBefore, Comparator.reverseOrder()));
        }
        return found;
    }

    private static int keyIdRank(byte[] aki, ParsedCertificate issuer) {
        if (aki == null || issuer.subjectKeyId == null) {
            return 1;
        }
        return Arrays.equals(aki, issuer.subjectKeyId) ? 0 : 2;
    }

    private boolean validAt(ParsedCertificate c) {
        return !time.isBefore(c.notBefore) && !time.isAfter(c.notAfter);
    }
}
