package com.zeroui.kms.client.model;

import java.util.List;

/** The service's health and that of its dependencies. */
public record Health(String status, List<Check> checks, String cryptoProvider, String masterKeyId) {}
