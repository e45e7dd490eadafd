package com.zeroui.kms.api;

import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.auth.Role;
import com.zeroui.kms.auth.Tenancy;
import com.zeroui.kms.compliance.ComplianceItem;
import com.zeroui.kms.compliance.ComplianceReport;
import com.zeroui.kms.compliance.ComplianceService;
import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/** GET /compliance: the live compliance report, for admins and auditors only. */
final class ComplianceRoutes {
    private final ComplianceService compliance;

    ComplianceRoutes(ComplianceService compliance) {
        this.compliance = compliance;
    }

    void report(Context ctx) {
        CallerIdentity caller = Callers.of(ctx);
        Tenancy.requireUnbound(caller, "reading the compliance report, which covers every tenant and environment,");
        if (!caller.isAdmin() && !caller.roles().contains(Role.AUDITOR)) {
            throw new KmsException(ErrorCode.UNAUTHORIZED, "the compliance report needs the " + Role.ADMIN.urn()
                    + " or " + Role.AUDITOR.urn() + " role", Map.of("module_id", caller.moduleId()));
        }
        ctx.json(body(compliance.report()));
    }

    static Map<String, Object> body(ComplianceReport report) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", report.status().apiName());
        body.put("generated_at", report.generatedAt().toString());
        body.put("items", report.items().stream().map(ComplianceRoutes::item).toList());
        return body;
    }

    private static Map<String, Object> item(ComplianceItem item) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("control", item.control());
        m.put("check", item.check());
        m.put("status", item.status().apiName());
        m.put("supports", item.supports());
        m.put("summary", item.summary());
        m.put("evidence", item.evidence());
        return m;
    }
}
