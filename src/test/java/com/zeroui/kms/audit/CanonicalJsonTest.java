package com.zeroui.kms.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RFC 8785 (JCS) over the value domain receipts use. Expected outputs are RFC 8785's own examples
 * and the JCS reference test data (cyberphone/json-canonicalization testdata), restricted to
 * values without fractions.
 */
class CanonicalJsonTest {
    private static final long MAX_SAFE_INTEGER = 9_007_199_254_740_991L; // 2^53 - 1

    /** Builds an object in the given member order, so sorting is the serializer's doing. */
    private static Map<String, Object> object(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private static List<Object> array(Object... values) {
        return new ArrayList<>(Arrays.asList(values)); // Arrays.asList, unlike List.of, holds null
    }

    // ---- member ordering ---------------------------------------------------------------------

    @Test
    void sortsMembersByUtf16CodeUnitsAsInRfc8785Section323() {
        Map<String, Object> input = object(
                "\u20ac", "Euro Sign",
                "\r", "Carriage Return",
                "\ufb33", "Hebrew Letter Dalet With Dagesh",
                "1", "One",
                "\ud83d\ude00", "Emoji: Grinning Face",
                "\u0080", "Control",
                "\u00f6", "Latin Small Letter O With Diaeresis");
        assertThat(CanonicalJson.string(input)).isEqualTo("{"
                + "\"\\r\":\"Carriage Return\","
                + "\"1\":\"One\","
                + "\"\u0080\":\"Control\","
                + "\"\u00f6\":\"Latin Small Letter O With Diaeresis\","
                + "\"\u20ac\":\"Euro Sign\","
                + "\"\ud83d\ude00\":\"Emoji: Grinning Face\","
                + "\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}");
    }

    @Test
    void reproducesTheReferenceWeirdVector() {
        // testdata/input/weird.json -> testdata/output/weird.json
        Map<String, Object> input = object(
                "\u20ac", "Euro Sign",
                "1", "One",
                "\u0080", "Control\u007f",
                "\ud83d\ude02", "Smiley",
                "\u00f6", "Latin Small Letter O With Diaeresis",
                "\ufb33", "Hebrew Letter Dalet With Dagesh",
                "</script>", "Browser Challenge");
        assertThat(CanonicalJson.string(input)).isEqualTo(
                "{\"1\":\"One\",\"</script>\":\"Browser Challenge\",\"\u0080\":\"Control\u007f\","
                        + "\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\","
                        + "\"\ud83d\ude02\":\"Smiley\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}");
    }

    @Test
    void nonBmpKeysSortByTheirSurrogatesNotByCodePoint() {
        // U+10000 is D800 DC00 in UTF-16, so it sorts before U+E000 although its code point is higher;
        // code-point order (or UTF-8 byte order) would put it last.
        Map<String, Object> input = object("\ud800\udc00", 1, "\ue000", 2, "\uffff", 3, "\ud7ff", 4);
        assertThat(CanonicalJson.string(input))
                .isEqualTo("{\"\ud7ff\":4,\"\ud800\udc00\":1,\"\ue000\":2,\"\uffff\":3}");
    }

    @Test
    void sortingIgnoresLocaleAndPrefixesComeFirst() {
        // testdata/input/french.json -> output/french.json
        Map<String, Object> french = object(
                "peach", "This sorting order",
                "p\u00e9ch\u00e9", "is wrong according to French",
                "p\u00eache", "but canonicalization MUST",
                "sin", "ingnore locale");
        assertThat(CanonicalJson.string(french)).isEqualTo(
                "{\"peach\":\"This sorting order\",\"p\u00e9ch\u00e9\":\"is wrong according to French\","
                        + "\"p\u00eache\":\"but canonicalization MUST\",\"sin\":\"ingnore locale\"}");
        assertThat(CanonicalJson.string(object("ab", 1, "B", 2, "a", 3, "", 4, "b", 5)))
                .isEqualTo("{\"\":4,\"B\":2,\"a\":3,\"ab\":1,\"b\":5}");
    }

    @Test
    void sortsNestedObjectsAndKeepsArrayOrder() {
        // testdata/input/structures.json -> output/structures.json (56.0 is the integer 56 here)
        Map<String, Object> structures = object(
                "1", object("f", object("f", "hi", "F", 5), "\n", 56),
                "10", object(),
                "", "empty",
                "a", object(),
                "111", array(object()),
                "A", object());
        assertThat(CanonicalJson.string(structures))
                .isEqualTo("{\"\":\"empty\",\"1\":{\"\\n\":56,\"f\":{\"F\":5,\"f\":\"hi\"}},\"10\":{},\"111\":[{}],\"A\":{},\"a\":{}}");
        // testdata/input/arrays.json, wrapped in an object since the API canonicalizes objects
        Map<String, Object> arrays = object("arrays", array(56, object("d", true, "10", null, "1", array())));
        assertThat(CanonicalJson.string(arrays)).isEqualTo("{\"arrays\":[56,{\"1\":[],\"10\":null,\"d\":true}]}");
        assertThat(CanonicalJson.string(object("z", array(3, 1, 2, array(), "b", "a")))).isEqualTo("{\"z\":[3,1,2,[],\"b\",\"a\"]}");
    }

    @Test
    void ordersAnyMapImplementationTheSameWay() {
        Map<String, Object> hash = new HashMap<>();
        for (int i = 0; i < 50; i++) {
            hash.put("k" + i, i);
        }
        Map<String, Object> reversed = new LinkedHashMap<>();
        for (int i = 49; i >= 0; i--) {
            reversed.put("k" + i, i);
        }
        assertThat(CanonicalJson.string(hash)).isEqualTo(CanonicalJson.string(reversed)).startsWith("{\"k0\":0,\"k1\":1,\"k10\":10,");
    }

    // ---- strings -----------------------------------------------------------------------------

    @Test
    void escapesAsInRfc8785Section3222() {
        // testdata/input/values.json, member "escaping" (its \\u escapes decoded here by hand)
        String escaping = "\u20ac$\u000f\nA'B\"\\\\\"/";
        Map<String, Object> values = object("literals", array(null, true, false), "escaping", escaping);
        assertThat(CanonicalJson.string(values))
                .isEqualTo("{\"escaping\":\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\",\"literals\":[null,true,false]}");
    }

    @Test
    void escapesEveryControlCharacterShortFormFirstElseLowercaseHex() {
        StringBuilder controls = new StringBuilder();
        for (char c = 0; c < 0x20; c++) {
            controls.append(c);
        }
        String expected = "\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f"
                + "\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f";
        assertThat(CanonicalJson.string(object("c", controls.toString()))).isEqualTo("{\"c\":\"" + expected + "\"}");
        // member names are strings too
        assertThat(CanonicalJson.string(object("\t\u001f", true))).isEqualTo("{\"\\t\\u001f\":true}");
    }

    @Test
    void leavesEverythingElseLiteral() {
        // space, '/', DEL, C1 control, line/paragraph separators, BOM, non-BMP: JSON.stringify keeps them as is
        String literal = " /\u007f\u0085\u2028\u2029\ufeff\ud83d\ude00\u00e9'<>&";
        assertThat(CanonicalJson.string(object("s", literal))).isEqualTo("{\"s\":\"" + literal + "\"}");
        // no Unicode normalization (testdata/input/unicode.json)
        assertThat(CanonicalJson.string(object("Unnormalized Unicode", "\u1e0d\u0307")))
                .isEqualTo("{\"Unnormalized Unicode\":\"\u1e0d\u0307\"}");
    }

    @Test
    void bytesAreTheUtf8OfTheString() {
        Map<String, Object> value = object("\u20ac", "\ud83d\ude00", "a", array(1, "\u00e9"));
        assertThat(CanonicalJson.bytes(value)).isEqualTo(CanonicalJson.string(value).getBytes(StandardCharsets.UTF_8));
        assertThat(HexFormat.of().formatHex(CanonicalJson.bytes(object("\u20ac", "\ud83d\ude00"))))
                .isEqualTo("7b22" + "e282ac" + "223a22" + "f09f9880" + "227d");
        // testdata/outhex/simpleString.txt, as a member value
        assertThat(HexFormat.of().formatHex(CanonicalJson.bytes(object("", "this is a test string 1235"))))
                .isEqualTo("7b22223a" + "22746869732069732061207465737420737472696e672031323335227d");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\ud800", "a\udbffb", "\udc00", "x\udfff", "\ude00\ud83d", "\ud83d\ud83d\ude00", "end\ud83d"})
    void refusesLoneSurrogatesRatherThanSigningReplacementCharacters(String broken) {
        // RFC 8785 input is I-JSON (RFC 7493 §2.1: no surrogate code points); UTF-8 encoding would
        // silently turn each into '?', so distinct strings would share one signature.
        assertThatThrownBy(() -> CanonicalJson.string(object("s", broken))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CanonicalJson.bytes(object(broken, "v"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CanonicalJson.bytes(object("l", array("ok", broken)))).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- numbers and other types -------------------------------------------------------------

    @Test
    void writesIntegersUpToTheExactDoubleRange() {
        Map<String, Object> numbers = object("n", array(0, -1, 1, 56, Integer.MAX_VALUE, Integer.MIN_VALUE,
                0L, 1_000_000_000_000L, MAX_SAFE_INTEGER, -MAX_SAFE_INTEGER));
        assertThat(CanonicalJson.string(numbers)).isEqualTo(
                "{\"n\":[0,-1,1,56,2147483647,-2147483648,0,1000000000000,9007199254740991,-9007199254740991]}");
    }

    @ParameterizedTest
    @ValueSource(longs = {MAX_SAFE_INTEGER + 1, -MAX_SAFE_INTEGER - 1, MAX_SAFE_INTEGER + 2, -MAX_SAFE_INTEGER - 2,
            Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1})
    void refusesIntegersBeyondTheIJsonRange(long n) {
        // RFC 7493 §2.2: only [-(2^53)+1, 2^53-1] is exact everywhere; JCS numbers are doubles
        assertThatThrownBy(() -> CanonicalJson.string(object("n", n))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CanonicalJson.string(object("deep", array(object("n", n)))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    static List<Object> outsideTheDomain() {
        return List.of(1.0, 0.5, -0.0, Double.NaN, Double.POSITIVE_INFINITY, 1.5f, new BigDecimal("1"),
                'c', new byte[] {1}, new Object(), Instant.EPOCH, Set.of("a"), new int[] {1});
    }

    @ParameterizedTest
    @MethodSource("outsideTheDomain")
    void refusesValuesOutsideItsDomain(Object value) {
        assertThatThrownBy(() -> CanonicalJson.string(object("v", value))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CanonicalJson.string(object("v", array(1, object("w", value)))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesMemberNamesThatAreNotStrings() {
        Map<Object, Object> numericKey = new HashMap<>();
        numericKey.put(1, "one");
        Map<String, Object> nullKey = new HashMap<>();
        nullKey.put(null, "none");
        assertThatThrownBy(() -> CanonicalJson.string(object("o", numericKey))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CanonicalJson.string(nullKey)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void writesNullsBooleansAndEmptyContainers() {
        assertThat(CanonicalJson.string(object())).isEqualTo("{}");
        assertThat(CanonicalJson.string(object("t", true, "f", false, "n", null, "e", array(), "o", object())))
                .isEqualTo("{\"e\":[],\"f\":false,\"n\":null,\"o\":{},\"t\":true}");
    }

    /** Objects where the spliced member sorts first, between members, last, alone, and beside escapes and non-ASCII. */
    static List<Map<String, Object>> slottedObjects() {
        return List.of(object(), object("z", 1), object("a", "x"), object("a", 1, "z", 2), object("a", 1, "b", 2),
                object("t", "u", "sig", null), object("\u20ac", "\u00e9\"\n", "a\u0001", array(object("signature", 1))),
                object("signaturf", 1, "signatur", 2, "Signature", 3, "\ud83d\ude00", "\ud83d\ude00"),
                TestReceiptLog.draft(3, Instant.parse("2024-03-01T00:00:00Z")).content(42, "receipt-key"));
    }

    @ParameterizedTest
    @MethodSource("slottedObjects")
    void aSplicedMemberIsWhatSerializingTheObjectWithItGives(Map<String, Object> object) {
        CanonicalJson.Slotted unsigned = CanonicalJson.slotted(object, "signature");
        assertThat(unsigned.text()).isEqualTo(CanonicalJson.string(object));
        assertThat(unsigned.bytes()).isEqualTo(CanonicalJson.bytes(object));
        for (String value : List.of("YFW4aizG+/13W3==", "", "quote\" and \\ and \u0007 and \u00e9")) {
            Map<String, Object> signed = new LinkedHashMap<>(object);
            signed.put("signature", value);
            assertThat(unsigned.with(value)).isEqualTo(CanonicalJson.string(signed));
        }
    }

    @Test
    void refusesToSpliceAMemberTheObjectAlreadyHas() {
        assertThatThrownBy(() -> CanonicalJson.slotted(object("signature", "x"), "signature"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
