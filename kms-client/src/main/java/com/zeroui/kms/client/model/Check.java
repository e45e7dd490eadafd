package com.zeroui.kms.client.model;

/** One health check. */
public record Check(String name, String status, String detail) {}
