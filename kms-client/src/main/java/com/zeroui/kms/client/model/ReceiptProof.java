package com.zeroui.kms.client.model;

import java.util.Map;

/** A receipt as logged, its inclusion proof and the signed tree head the proof leads to. */
public record ReceiptProof(Map<String, Object> receipt, long logIndex, InclusionProof inclusionProof,
                           SignedTreeHead signedTreeHead) {
}
