package com.zeroui.kms.trust.validation;

/**
 * Bounds on path building, so that a hostile bag of cross-signed or looping certificates costs a
 * known, small amount of work.
 *
 * @param maxPathCertificates most certificates in one path, leaf and anchor included
 * @param maxCandidatePaths   most complete candidate paths (ending at an anchor) that are validated
 * @param maxIssuerLookups    most issuer candidates examined in the whole search
 */
public record PathBuildingLimits(int maxPathCertificates, int maxCandidatePaths, int maxIssuerLookups) {
    public static final PathBuildingLimits DEFAULT = new PathBuildingLimits(10, 32, 1024);

    public PathBuildingLimits {
        if (maxPathCertificates < 1 || maxCandidatePaths < 1 || maxIssuerLookups < 1) {
            throw new IllegalArgumentException("path building limits must be positive: " + maxPathCertificates + ", "
                    + maxCandidatePaths + ", " + maxIssuerLookups);
        }
    }
}
