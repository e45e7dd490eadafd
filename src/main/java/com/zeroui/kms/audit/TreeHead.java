package com.zeroui.kms.audit;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** A signed statement of the log's size and root hash at a moment: what proofs are checked against. */
public record TreeHead(long treeSize, String rootHashHex, Instant timestamp, String keyId, String signatureBase64) {
    public static final String FORMAT = "kms-tree-head/v1";

    /** The signed content (canonical JSON of this map). */
    public Map<String, Object> content() {
        return content(treeSize, rootHashHex, timestamp, keyId);
    }

    static Map<String, Object> content(long size, String rootHex, Instant ts, String keyId) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("tree_size", size);
        m.put("root_hash", rootHex);
        m.put("timestamp", ts.toString());
        m.put("key_id", keyId);
        return m;
    }

    public Map<String, Object> view() {
        Map<String, Object> m = content();
        m.put("signature", signatureBase64);
        return m;
    }
}
