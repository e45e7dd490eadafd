package com.zeroui.kms.client.model;

import java.util.Map;

/** A receipt and its position in the log. */
public record LoggedReceipt(long logIndex, Map<String, Object> receipt) {}
