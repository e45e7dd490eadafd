package com.zeroui.kms.api;

import io.javalin.http.Context;
import java.util.Map;

/** Every audited answer names its receipt: a body field and a header, so either is enough for a client. */
final class Receipts {
    static final String HEADER = "X-KMS-Receipt-Id";

    private Receipts() {
    }

    static void respond(Context ctx, int status, Map<String, Object> body, String receiptId) {
        body.put("receipt_id", receiptId);
        ctx.header(HEADER, receiptId);
        ctx.status(status).json(body);
    }
}
