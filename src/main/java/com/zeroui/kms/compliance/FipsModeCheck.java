package com.zeroui.kms.compliance;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** FIPS 140-3 mode: a validated module loaded and its self-tests passing; off is a failing item. */
public final class FipsModeCheck implements ComplianceCheck {
    @Override
    public List<ComplianceItem> evaluate(ComplianceInputs inputs) {
        boolean on = Boolean.TRUE.equals(inputs.configValue("fips_mode"));
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("fips_mode", on);
        evidence.put("fips_module", inputs.configValue("fips_module"));
        if (!on) {
            return List.of(new ComplianceItem("CC6.1", "fips_mode", ComplianceStatus.FAIL, "FIPS 140-3 compliance",
                    "FIPS mode is off: keys are handled by non-validated providers", evidence));
        }
        String selfTest = inputs.healthCheck("fips_module").map(r -> r.status()).orElse("absent");
        evidence.put("self_test", selfTest);
        boolean passed = "pass".equals(selfTest);
        return List.of(new ComplianceItem("CC6.1", "fips_mode", passed ? ComplianceStatus.PASS : ComplianceStatus.FAIL,
                "FIPS 140-3 compliance", passed ? "FIPS module loaded, self-tests pass"
                : "FIPS module self-test " + selfTest, evidence));
    }
}
