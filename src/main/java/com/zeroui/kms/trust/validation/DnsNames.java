package com.zeroui.kms.trust.validation;

import java.util.regex.Pattern;

/** The preferred name syntax of RFC 1034 §3.5 (as RFC 5280 §4.2.1.6 requires of dNSName), with an optional wildcard label. */
final class DnsNames {
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final int MAX_LENGTH = 253;
    private static final int SHOWN = 80;

    private DnsNames() {
    }

    /**
     * Letters, digits and hyphens in labels of 1–63 characters that neither start nor end with a
     * hyphen, at most 253 characters, no empty label (so no leading or trailing dot). With
     * {@code wildcard}, the left-most label may be exactly "*" when at least one label follows.
     */
    static boolean isPreferredSyntax(String name, boolean wildcard) {
        if (name.isEmpty() || name.length() > MAX_LENGTH) {
            return false;
        }
        String[] labels = name.split("\\.", -1);
        for (int i = 0; i < labels.length; i++) {
            if (i == 0 && wildcard && "*".equals(labels[0]) && labels.length > 1) {
                continue;
            }
            if (!LABEL.matcher(labels[i]).matches()) {
                return false;
            }
        }
        return true;
    }

    /** For messages: a name cut to a readable length. */
    static String shorten(String name) {
        return name.length() <= SHOWN ? name : name.substring(0, SHOWN) + "…";
    }
}
