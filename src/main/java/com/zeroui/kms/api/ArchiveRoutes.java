package com.zeroui.kms.api;

import com.zeroui.kms.audit.AuditRetention;
import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.auth.Role;
import com.zeroui.kms.auth.Tenancy;
import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** GET /audit/archives (admins and auditors) and DELETE /audit/archives/{archive_file} (admins, after retention). */
final class ArchiveRoutes {
    private final AuditRetention retention;

    ArchiveRoutes(AuditRetention retention) {
        this.retention = retention;
    }

    void list(Context ctx) {
        QueryParams.rejectUnknown(ctx, Set.of());
        CallerIdentity caller = Callers.of(ctx);
        Tenancy.requireUnbound(caller, "reading the archive list, which covers every tenant and environment,");
        if (!caller.isAdmin() && !caller.roles().contains(Role.AUDITOR)) {
            throw new KmsException(ErrorCode.UNAUTHORIZED, "the archive list needs the " + Role.ADMIN.urn() + " or "
                    + Role.AUDITOR.urn() + " role", Map.of("module_id", caller.moduleId()));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("retention", retention.retention().toString());
        body.put("archives", retention.archives().stream().map(ArchiveRoutes::view).toList());
        ctx.json(body);
    }

    void delete(Context ctx) {
        QueryParams.rejectUnknown(ctx, Set.of());
        String name = ctx.pathParam("archive_file");
        if (!name.matches("kms-audit-[0-9]{16}-[0-9]{16}\\.json")) {
            throw KmsException.invalid("archive_file", "archive_file must name a sealed archive, e.g."
                    + " kms-audit-0000000000000000-0000000000001000.json");
        }
        AuditRetention.Deletion deletion = retention.delete(name, Callers.of(ctx));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("archive_file", deletion.seal().archiveFile());
        body.put("first_index", deletion.seal().firstIndex());
        body.put("end_index", deletion.seal().endIndex());
        body.put("receipts_removed_from_index", deletion.entriesRemoved());
        Receipts.respond(ctx, 200, body, deletion.receiptId());
    }

    private static Map<String, Object> view(AuditRetention.Status s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("archive_file", s.seal().archiveFile());
        m.put("archive_sha256", s.seal().archiveSha256());
        m.put("first_index", s.seal().firstIndex());
        m.put("end_index", s.seal().endIndex());
        m.put("first_ts", s.seal().firstTs().toString());
        m.put("last_ts", s.seal().lastTs().toString());
        m.put("sealed_at", s.seal().sealedAt().toString());
        m.put("indexed", s.archive() != null);
        m.put("retained_until", s.retainedUntil().toString());
        m.put("deletable", s.deletable());
        m.put("deleted_at", s.deleted() ? s.archive().deletedAt().toString() : null);
        m.put("deletion_receipt_id", s.deleted() ? s.archive().deletionReceiptId() : null);
        return m;
    }
}
