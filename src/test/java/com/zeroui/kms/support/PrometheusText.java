package com.zeroui.kms.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads one series' value out of a Prometheus text exposition. */
public final class PrometheusText {
    private PrometheusText() {
    }

    public static double value(String exposition, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(exposition);
        assertThat(m.find()).as("series %s", series).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
