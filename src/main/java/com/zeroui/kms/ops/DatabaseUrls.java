package com.zeroui.kms.ops;

/** Database URLs as they may be shown: configuration and logs print them, the store only opens them. */
public final class DatabaseUrls {
    private DatabaseUrls() {
    }

    /** Strips credentials that may sit in a URL's query. */
    public static String redact(String jdbcUrl) {
        return jdbcUrl.replaceAll("(?i)(password=)[^&]*", "$1***");
    }
}
