package com.zeroui.kms.api;

import com.zeroui.kms.error.KmsException;
import io.javalin.http.Context;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** Strict query-string reading: unknown or repeated parameters, NUL, overlong and malformed values are 400s naming the parameter. */
final class QueryParams {
    private static final int MAX_LENGTH = 256;

    private QueryParams() {
    }

    static void rejectUnknown(Context ctx, Set<String> allowed) {
        for (String name : ctx.queryParamMap().keySet()) {
            if (!allowed.contains(name)) {
                String shown = name.length() > 64 ? name.substring(0, 64) : name;
                throw KmsException.invalid(shown, "unknown query parameter '" + shown + "'; allowed: "
                        + allowed.stream().sorted().toList());
            }
        }
        ctx.queryParamMap().forEach((name, values) -> {
            if (values.size() > 1) {
                throw KmsException.invalid(name, "query parameter " + name + " is given more than once");
            }
        });
    }

    static Optional<String> optional(Context ctx, String name) {
        String value = ctx.queryParam(name);
        if (value != null && value.length() > MAX_LENGTH) {
            throw KmsException.invalid(name, name + " must be at most " + MAX_LENGTH + " characters");
        }
        if (value != null) {
            JsonRequest.rejectUnstorableText(name, value);
        }
        return Optional.ofNullable(value).filter(v -> !v.isEmpty());
    }

    static <E> E optionalEnum(Context ctx, String name, Function<String, Optional<E>> parser, List<String> allowed) {
        return optional(ctx, name).map(v -> parser.apply(v).orElseThrow(() -> KmsException.invalid(name,
                name + " must be one of " + allowed))).orElse(null);
    }

    static long requiredLong(Context ctx, String name) {
        return parseLong(name, optional(ctx, name).orElseThrow(() -> KmsException.invalid(name, name + " is required")));
    }

    static long parseLong(String name, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw KmsException.invalid(name, name + " must be an integer");
        }
    }
}
