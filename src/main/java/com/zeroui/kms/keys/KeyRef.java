package com.zeroui.kms.keys;

import com.zeroui.kms.error.KmsException;
import java.util.regex.Pattern;

/** A key named by id or by {@code alias/<name>}, as accepted wherever a key_id is. */
public record KeyRef(String keyId, String alias) {
    public static final String ALIAS_PREFIX = "alias/";
    public static final Pattern ALIAS = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final int MAX_LENGTH = 256;

    public static KeyRef parse(String field, String value) {
        if (value == null || value.isEmpty()) {
            throw KmsException.invalid(field, field + " is required");
        }
        if (value.length() > MAX_LENGTH) {
            throw KmsException.invalid(field, field + " is longer than " + MAX_LENGTH + " characters");
        }
        if (value.startsWith(ALIAS_PREFIX)) {
            String alias = value.substring(ALIAS_PREFIX.length());
            if (!ALIAS.matcher(alias).matches()) {
                throw KmsException.invalid(field, field + " alias must match " + ALIAS.pattern());
            }
            return new KeyRef(null, alias);
        }
        return new KeyRef(value, null);
    }

    public boolean isAlias() {
        return alias != null;
    }

    @Override
    public String toString() {
        return isAlias() ? ALIAS_PREFIX + alias : keyId;
    }
}
