package com.zeroui.kms.auth;

/**
 * What a verified bearer token adds to a caller: who issued it, whom it names ({@code sub}) and
 * the environment it binds every request to. Its tenant becomes the caller's tenant.
 */
public record TokenBinding(String issuer, String subject, String environment) {
}
