package com.zeroui.kms.client.model;

import java.util.List;

/** RFC 9162 audit path from a leaf to the root of a tree of {@code treeSize} leaves (hex SHA-256 hashes). */
public record InclusionProof(long leafIndex, long treeSize, List<String> hashes) {}
