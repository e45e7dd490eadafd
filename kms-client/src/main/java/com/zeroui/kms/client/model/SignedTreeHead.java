package com.zeroui.kms.client.model;

/** A signed statement of the audit log's size and root hash. */
public record SignedTreeHead(String format, long treeSize, String rootHash, String timestamp, String keyId, String signature) {}
