package com.zeroui.kms.client.model;

import java.util.List;

/** One page of certificates. */
public record CertificatePage(List<Certificate> certificates, String nextCursor, String receiptId) {}
