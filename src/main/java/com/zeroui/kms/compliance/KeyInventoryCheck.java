package com.zeroui.kms.compliance;

import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.keys.KeyRecord;
import com.zeroui.kms.keys.KeyRepository;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Keys out of policy: active past their rotation schedule, grace period ended but not archived,
 * no allowed_modules. Each query stops at {@link #SAMPLE} + 1 rows from an index, so the report
 * says "at least" rather than counting a million keys.
 */
public final class KeyInventoryCheck implements ComplianceCheck {
    static final int SAMPLE = 10;

    private final KeyRepository keys;
    private final UnrestrictedKeys unrestricted;
    private final int rotationScheduleDays;

    public KeyInventoryCheck(KeyRepository keys, UnrestrictedKeys unrestricted, int rotationScheduleDays) {
        this.keys = keys;
        this.unrestricted = unrestricted;
        this.rotationScheduleDays = rotationScheduleDays;
    }

    @Override
    public List<ComplianceItem> evaluate(ComplianceInputs in) {
        List<String> overdue = ids(keys.dueForRotation(in.now(), rotationScheduleDays, CallerIdentity.SERVICE.moduleId(),
                SAMPLE + 1));
        List<String> graceEnded = ids(keys.dueForArchive(in.now(), SAMPLE + 1));
        List<String> open = unrestricted.keyIdsWithoutAllowedModules(SAMPLE + 1);
        return List.of(
                item("CC6.8", "keys_overdue_for_rotation", "Key lifecycle: rotation schedule", overdue,
                        "active keys past their rotation schedule"),
                item("CC6.8", "keys_grace_ended_not_archived", "Key lifecycle: rotation grace period", graceEnded,
                        "rotated keys whose grace period ended but are not archived"),
                item("CC6.1", "keys_without_allowed_modules", "Access policy: allowed_modules", open,
                        "keys whose policy names no allowed module"));
    }

    private static List<String> ids(List<KeyRecord> records) {
        return records.stream().map((Function<KeyRecord, String>) KeyRecord::keyId).toList();
    }

    private static ComplianceItem item(String control, String check, String supports, List<String> found, String what) {
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("count", found.size() > SAMPLE ? "more than " + SAMPLE : String.valueOf(found.size()));
        evidence.put("key_ids", found.subList(0, Math.min(SAMPLE, found.size())));
        boolean none = found.isEmpty();
        return new ComplianceItem(control, check, none ? ComplianceStatus.PASS : ComplianceStatus.FAIL, supports,
                none ? "no " + what : evidence.get("count") + " " + what + ": " + String.join(", ",
                        found.subList(0, Math.min(SAMPLE, found.size()))), evidence);
    }
}
