package com.zeroui.kms.client.model;

import java.util.List;

/** RFC 9162 proof that the tree of size {@code second} extends the one of size {@code first}. */
public record ConsistencyProof(long first, long second, List<String> hashes) {}
