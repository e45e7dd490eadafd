package com.zeroui.kms.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.TestReporter;

/**
 * Reads the Wycheproof vector files in {@code src/test/resources/wycheproof} (see the README there).
 * Fails loudly on a file whose algorithm, group parameters or test count differ from what the caller
 * expects, so a swapped or truncated file cannot pass by running fewer vectors.
 */
final class Wycheproof {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    enum Result {
        VALID, INVALID, ACCEPTABLE;

        static Result of(String text) {
            return valueOf(text.toUpperCase(Locale.ROOT));
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One AEAD test; sizes are in bits as in the file. */
    record AeadVector(int tcId, String comment, List<String> flags, int keySize, int ivSize, int tagSize,
                      byte[] key, byte[] iv, byte[] aad, byte[] msg, byte[] ct, byte[] tag, Result result) {
        byte[] ctAndTag() {
            byte[] out = new byte[ct.length + tag.length];
            System.arraycopy(ct, 0, out, 0, ct.length);
            System.arraycopy(tag, 0, out, ct.length, tag.length);
            return out;
        }

        @Override
        public String toString() {
            return describe(tcId, result, flags, comment);
        }
    }

    /** One signature verification test with its group's SPKI public key. */
    record SignatureVector(int tcId, String comment, List<String> flags, byte[] publicKeySpki, byte[] msg, byte[] sig,
                           Result result) {
        @Override
        public String toString() {
            return describe(tcId, result, flags, comment);
        }
    }

    private Wycheproof() {
    }

    static List<AeadVector> aead(String file, String algorithm) {
        JsonNode root = load(file, algorithm);
        List<AeadVector> out = new ArrayList<>();
        for (JsonNode group : root.get("testGroups")) {
            for (JsonNode t : group.get("tests")) {
                out.add(new AeadVector(t.get("tcId").asInt(), t.get("comment").asText(), flags(t),
                        group.get("keySize").asInt(), group.get("ivSize").asInt(), group.get("tagSize").asInt(),
                        hex(t, "key"), hex(t, "iv"), hex(t, "aad"), hex(t, "msg"), hex(t, "ct"), hex(t, "tag"),
                        Result.of(t.get("result").asText())));
            }
        }
        return checkedCount(root, file, out);
    }

    /**
     * Signature vectors of a file whose every group must carry {@code groupParameters} (JSON pointer
     * into the group → expected text), i.e. exactly the parameters of the algorithm under test.
     */
    static List<SignatureVector> signatures(String file, String algorithm, Map<String, String> groupParameters) {
        JsonNode root = load(file, algorithm);
        List<SignatureVector> out = new ArrayList<>();
        for (JsonNode group : root.get("testGroups")) {
            groupParameters.forEach((pointer, expected) -> {
                if (!group.at(pointer).asText().equals(expected)) {
                    throw new IllegalStateException(file + ": group has " + pointer + "=" + group.at(pointer)
                            + ", expected " + expected);
                }
            });
            byte[] spki = hex(group, "publicKeyDer");
            for (JsonNode t : group.get("tests")) {
                out.add(new SignatureVector(t.get("tcId").asInt(), t.get("comment").asText(), flags(t), spki,
                        hex(t, "msg"), hex(t, "sig"), Result.of(t.get("result").asText())));
            }
        }
        return checkedCount(root, file, out);
    }

    /**
     * ML-DSA verification vectors ({@code MlDsaVerify}) without a context string: the service signs
     * and verifies with the empty context, so a vector that names one tests nothing of ours.
     */
    static List<SignatureVector> mlDsaWithoutContext(String file, String algorithm) {
        JsonNode root = load(file, algorithm);
        List<SignatureVector> out = new ArrayList<>();
        int total = 0;
        for (JsonNode group : root.get("testGroups")) {
            if (!group.get("type").asText().equals("MlDsaVerify")) {
                throw new IllegalStateException(file + ": unexpected group type " + group.get("type"));
            }
            byte[] spki = hex(group, "publicKeyDer");
            for (JsonNode t : group.get("tests")) {
                total++;
                if (t.path("ctx").asText("").isEmpty()) {
                    out.add(new SignatureVector(t.get("tcId").asInt(), t.get("comment").asText(), flags(t), spki,
                            hex(t, "msg"), hex(t, "sig"), Result.of(t.get("result").asText())));
                }
            }
        }
        if (total != root.get("numberOfTests").asInt()) {
            throw new IllegalStateException(file + " declares " + root.get("numberOfTests") + " tests but holds " + total);
        }
        return List.copyOf(out);
    }

    /** A MAC vector: key, message, tag and whether the tag is the message's. */
    record MacVector(int tcId, String comment, List<String> flags, int keySize, int tagSize, byte[] key, byte[] msg,
                     byte[] tag, Result result) {
        @Override
        public String toString() {
            return describe(tcId, result, flags, comment);
        }
    }

    static List<MacVector> macs(String file, String algorithm) {
        JsonNode root = load(file, algorithm);
        List<MacVector> out = new ArrayList<>();
        for (JsonNode group : root.get("testGroups")) {
            int keySize = group.get("keySize").asInt();
            int tagSize = group.get("tagSize").asInt();
            for (JsonNode t : group.get("tests")) {
                out.add(new MacVector(t.get("tcId").asInt(), t.get("comment").asText(), flags(t), keySize, tagSize,
                        hex(t, "key"), hex(t, "msg"), hex(t, "tag"), Result.of(t.get("result").asText())));
            }
        }
        return checkedCount(root, file, out);
    }

    /**
     * Records what the code under test did with an "acceptable" vector, where either outcome
     * passes: as a JUnit report entry, and on standard output, which surefire keeps in its report.
     */
    static void recordAcceptable(TestReporter reporter, String context, boolean accepted) {
        String outcome = accepted ? "accepted" : "rejected";
        reporter.publishEntry(context, outcome);
        System.out.println("Wycheproof acceptable: " + context + " → " + outcome);
    }

    private static JsonNode load(String file, String algorithm) {
        try (InputStream in = Wycheproof.class.getResourceAsStream("/wycheproof/" + file)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource wycheproof/" + file);
            }
            JsonNode root = JSON.readTree(in);
            if (!root.get("algorithm").asText().equals(algorithm)) {
                throw new IllegalStateException(file + " holds " + root.get("algorithm") + ", expected " + algorithm);
            }
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> List<T> checkedCount(JsonNode root, String file, List<T> vectors) {
        int declared = root.get("numberOfTests").asInt();
        if (vectors.size() != declared) {
            throw new IllegalStateException(file + " declares " + declared + " tests but holds " + vectors.size());
        }
        return List.copyOf(vectors);
    }

    private static List<String> flags(JsonNode test) {
        List<String> out = new ArrayList<>();
        test.path("flags").forEach(f -> out.add(f.asText()));
        return List.copyOf(out);
    }

    private static byte[] hex(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null) {
            throw new IllegalStateException("vector field " + field + " missing in " + node);
        }
        return HEX.parseHex(value.asText());
    }

    private static String describe(int tcId, Result result, List<String> flags, String comment) {
        return "tcId " + tcId + " " + result + " " + flags + (comment.isEmpty() ? "" : " " + comment);
    }
}
