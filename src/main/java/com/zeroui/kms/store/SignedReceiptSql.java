package com.zeroui.kms.store;

/**
 * SQL expressions that read fields of the signed receipt ({@code receipt_json}) rather than the
 * unsigned indexed columns, as each engine writes them. The tenant expression is indexed (migration
 * V16), and a query uses an expression index only when it spells the very same expression: so both
 * come from here.
 */
final class SignedReceiptSql {
    private SignedReceiptSql() {
    }

    /** The receipt's signed {@code tenant_id}. */
    static String tenant(Database.Dialect dialect) {
        return field(dialect, "tenant_id");
    }

    static String receiptId(Database.Dialect dialect) {
        return field(dialect, "receipt_id");
    }

    static String operation(Database.Dialect dialect) {
        return field(dialect, "operation");
    }

    /** {@code kms_context.key_id} (null when the receipt names no key). */
    static String keyId(Database.Dialect dialect) {
        return dialect == Database.Dialect.SQLITE ? "json_extract(receipt_json, '$.kms_context.key_id')"
                : "((receipt_json::jsonb) -> 'kms_context' ->> 'key_id')";
    }

    private static String field(Database.Dialect dialect, String name) {
        return dialect == Database.Dialect.SQLITE ? "json_extract(receipt_json, '$." + name + "')"
                : "((receipt_json::jsonb) ->> '" + name + "')";
    }
}
