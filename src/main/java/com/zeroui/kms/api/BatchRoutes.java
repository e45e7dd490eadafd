package com.zeroui.kms.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zeroui.kms.audit.Audited;
import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.error.KmsException;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * POST /batch: up to 100 sign, verify, encrypt, decrypt, mac and mac_verify items in one request. Each item is the
 * body of its operation plus {@code operation}; it runs through exactly the code of that operation's
 * own route (parsing, checks, limits, receipt, event), in order, and answers its own result or
 * error. One item's failure never affects another; the batch itself is 200 once its envelope parses.
 */
final class BatchRoutes {
    static final int MAX_ITEMS = 100;
    /** The item operations, in the order the OpenAPI enum lists them. */
    static final List<String> OPERATIONS = List.of("sign", "verify", "encrypt", "decrypt", "mac", "mac_verify");
    private static final Set<String> FIELDS = Set.of("items");

    private record Operation(Set<String> fields, BiFunction<JsonRequest, CallerIdentity, Audited<Map<String, Object>>> run) {
    }

    private final Map<String, Operation> operations = new LinkedHashMap<>();
    private final ObjectMapper mapper;

    BatchRoutes(CryptoRoutes crypto, MacRoutes macs, ObjectMapper mapper) {
        this.mapper = mapper;
        operations.put("sign", new Operation(CryptoRoutes.SIGN_FIELDS, crypto::sign));
        operations.put("verify", new Operation(CryptoRoutes.VERIFY_FIELDS, crypto::verify));
        operations.put("encrypt", new Operation(CryptoRoutes.ENCRYPT_FIELDS, crypto::encrypt));
        operations.put("decrypt", new Operation(CryptoRoutes.DECRYPT_FIELDS, crypto::decrypt));
        operations.put("mac", new Operation(MacRoutes.MAC_FIELDS, macs::mac));
        operations.put("mac_verify", new Operation(MacRoutes.VERIFY_FIELDS, macs::verify));
        if (!List.copyOf(operations.keySet()).equals(OPERATIONS)) {
            throw new IllegalStateException("BatchRoutes.OPERATIONS must list exactly the wired operations");
        }
    }

    void batch(Context ctx) {
        JsonRequest body = JsonRequest.parse(ctx, mapper, FIELDS);
        List<JsonNode> items = body.optionalArray("items", MAX_ITEMS)
                .orElseThrow(() -> KmsException.invalid("items", "items is required: an array of 1 to " + MAX_ITEMS
                        + " operations"));
        if (items.isEmpty()) {
            throw KmsException.invalid("items", "items must hold 1 to " + MAX_ITEMS + " operations");
        }
        CallerIdentity caller = Callers.of(ctx);
        List<Map<String, Object>> results = new ArrayList<>(items.size());
        int failed = 0;
        for (int i = 0; i < items.size(); i++) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("index", i);
            Map<String, Object> outcome;
            try {
                outcome = run(items.get(i), caller, result);
            } catch (RuntimeException e) {
                outcome = ErrorResponses.itemFailure(e, "POST /batch item " + i);
                failed++;
            }
            result.putAll(outcome);
            results.add(result);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("results", results);
        out.put("succeeded", items.size() - failed);
        out.put("failed", failed);
        ctx.status(200).json(out);
    }

    private Map<String, Object> run(JsonNode item, CallerIdentity caller, Map<String, Object> result) {
        if (!item.isObject()) {
            throw KmsException.invalid("items", "each item must be a JSON object with an operation");
        }
        ObjectNode fields = ((ObjectNode) item).deepCopy();
        JsonNode name = fields.remove("operation");
        if (name == null || !name.isTextual() || !operations.containsKey(name.textValue())) {
            throw KmsException.invalid("operation", "operation must be one of " + operations.keySet());
        }
        result.put("operation", name.textValue());
        Operation operation = operations.get(name.textValue());
        Audited<Map<String, Object>> audited = operation.run().apply(JsonRequest.of(fields, operation.fields()), caller);
        Map<String, Object> outcome = new LinkedHashMap<>();
        outcome.put("status", 200);
        outcome.put("receipt_id", audited.receiptId());
        outcome.put("result", audited.value());
        return outcome;
    }
}
