package com.zeroui.kms.client.model;

/** A one-time console sign-in URL. */
public record LoginLink(String url, String expiresAt, String spiffeId) {}
