package com.zeroui.kms.client.model;

/** A stored external CRL. */
public record IngestedCrl(String crlId, String issuer, String crlNumber, String thisUpdate, String nextUpdate, long revokedCertificates, String receiptId) {}
