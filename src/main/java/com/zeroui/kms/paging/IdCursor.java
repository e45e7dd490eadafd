package com.zeroui.kms.paging;

import com.zeroui.kms.error.KmsException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The opaque cursor of a listing ordered by a UUID id: base64url of a one-letter kind, a colon and
 * the last id returned. Only cursors this service issued decode — nothing a store could choke on.
 */
public final class IdCursor {
    private IdCursor() {
    }

    public static String encode(char kind, String id) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((kind + ":" + id).getBytes(StandardCharsets.UTF_8));
    }

    /** The id inside {@code cursor}, or 400 INVALID_REQUEST when it is not a {@code kind} cursor of ours. */
    public static String decode(char kind, String cursor) {
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (decoded.startsWith(kind + ":") && decoded.substring(2).matches("[0-9a-f-]{36}")) {
                return decoded.substring(2);
            }
        } catch (IllegalArgumentException e) {
            // fall through to the error below
        }
        throw KmsException.invalid("cursor", "cursor is not one this service issued");
    }
}
