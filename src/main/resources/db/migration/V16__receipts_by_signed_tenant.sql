-- Receipt search selects candidates by the tenant the receipt signs, not by the unsigned tenant_id
-- column (issue 11): a changed column then neither hides a receipt from its tenant nor shows it to
-- another. The expression is the engine's own (store/SignedReceiptSql, placeholder signed_tenant);
-- building the index reads every live receipt once. Nothing searches by the column any more.
CREATE INDEX kms_audit_receipts_signed_tenant ON kms_audit_receipts (${signed_tenant}, log_index);
DROP INDEX kms_audit_receipts_tenant;
