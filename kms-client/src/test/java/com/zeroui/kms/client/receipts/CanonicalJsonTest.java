package com.zeroui.kms.client.receipts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {
    @Test
    void sortsMembersByUtf16CodeUnitsAndEscapesAsJsonStringify() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("\u20ac", "Euro Sign");           // RFC 8785 §3.2.3's sorting example, in part
        m.put("\r", "Carriage Return");
        m.put("\ud83d\ude00", "Emoji: Grinning Face");
        m.put("1", "One");
        m.put("\u0080", "Control\u007f");
        m.put("\u00f6", "Latin Small Letter O With Diaeresis");
        m.put("nested", Arrays.asList(true, null, 42L, Map.of("b", 1, "a", "\u0001\"\\")));

        assertThat(new String(CanonicalJson.bytes(m), StandardCharsets.UTF_8)).isEqualTo(
                "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"nested\":[true,null,42,{\"a\":\"\\u0001\\\"\\\\\",\"b\":1}],"
                        + "\"\u0080\":\"Control\u007f\",\"\u00f6\":\"Latin Small Letter O With Diaeresis\","
                        + "\"\u20ac\":\"Euro Sign\",\"\ud83d\ude00\":\"Emoji: Grinning Face\"}");
    }

    @Test
    void refusesWhatItCannotReproduceExactly() {
        assertThatThrownBy(() -> CanonicalJson.bytes(Map.of("f", 1.5))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CanonicalJson.bytes(Map.of("big", 1L << 54))).isInstanceOf(IllegalArgumentException.class);
        assertThat(CanonicalJson.bytes(Map.of("l", List.of()))).isEqualTo("{\"l\":[]}".getBytes(StandardCharsets.UTF_8));
    }
}
