package com.zeroui.kms.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/** Checks that a response is a well-formed ErrorResponse with the expected status and code. */
public final class ErrorResponseAssert {
    private static final Set<String> CODES = Set.of("INVALID_REQUEST", "UNAUTHENTICATED", "UNAUTHORIZED", "KEY_NOT_FOUND",
            "KEY_REVOKED", "KEY_INACTIVE", "POLICY_VIOLATION", "RATE_LIMITED", "DEPENDENCY_UNAVAILABLE", "INTERNAL_ERROR");
    private static final Set<String> FIELDS = Set.of("code", "message", "details", "retryable");

    private ErrorResponseAssert() {
    }

    public static JsonNode assertError(KmsClient.Response response, int status, String code) {
        assertThat(response.status()).as("status of %s", response.body()).isEqualTo(status);
        JsonNode error = assertWellFormedError(response);
        assertThat(error.get("code").asText()).as(response.body()).isEqualTo(code);
        return error;
    }

    public static JsonNode assertWellFormedError(KmsClient.Response response) {
        JsonNode error = response.json();
        assertThat(error.isObject()).as(response.body()).isTrue();
        error.fieldNames().forEachRemaining(f -> assertThat(FIELDS).as("field %s in %s", f, response.body()).contains(f));
        assertThat(CODES).as(response.body()).contains(error.path("code").asText());
        assertThat(error.path("message").isTextual()).as(response.body()).isTrue();
        assertThat(error.path("retryable").isBoolean()).as(response.body()).isTrue();
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
        return error;
    }
}
