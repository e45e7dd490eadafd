package com.zeroui.kms.cli;

import com.fasterxml.jackson.databind.JsonNode;

/** The compliance report as a Markdown table a reviewer can paste into an audit file. */
final class ComplianceMarkdown {
    private ComplianceMarkdown() {
    }

    static String render(JsonNode report) {
        StringBuilder md = new StringBuilder();
        md.append("# KMS compliance report\n\n");
        md.append("Generated at ").append(report.path("generated_at").asText()).append("; overall status **")
                .append(report.path("status").asText()).append("**.\n\n");
        md.append("| Control | Check | Status | Supports | Summary |\n|---|---|---|---|---|\n");
        for (JsonNode item : report.path("items")) {
            md.append("| ").append(cell(item, "control")).append(" | ").append(cell(item, "check")).append(" | ")
                    .append(cell(item, "status")).append(" | ").append(cell(item, "supports")).append(" | ")
                    .append(cell(item, "summary")).append(" |\n");
        }
        md.append("\n## Evidence\n\n");
        for (JsonNode item : report.path("items")) {
            md.append("- `").append(item.path("check").asText()).append("`: `")
                    .append(item.path("evidence").toString().replace("`", "'")).append("`\n");
        }
        return md.toString();
    }

    private static String cell(JsonNode item, String field) {
        JsonNode value = item.path(field);
        return value.isNull() || value.isMissingNode() ? "" : value.asText().replace("|", "\\|").replace("\n", " ");
    }
}
