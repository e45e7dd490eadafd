package com.zeroui.kms.client.model;

import java.util.List;

/** Every receipt key, oldest first. */
public record ReceiptKeys(List<ReceiptKey> keys) {}
