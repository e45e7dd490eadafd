package com.zeroui.kms.compliance;

/** A control's state as a reviewer reads it; the metric value is 1 for pass, 0.5 for warn, 0 for fail. */
public enum ComplianceStatus {
    PASS(1.0), WARN(0.5), FAIL(0.0);

    private final double gaugeValue;

    ComplianceStatus(double gaugeValue) {
        this.gaugeValue = gaugeValue;
    }

    public String apiName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public double gaugeValue() {
        return gaugeValue;
    }

    /** The worse of the two: a report is as good as its worst item. */
    public ComplianceStatus worst(ComplianceStatus other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
