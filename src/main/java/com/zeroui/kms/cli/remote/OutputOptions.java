package com.zeroui.kms.cli.remote;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code -o raw|b64|json|table} and {@code --out FILE}: how a result is written, and where. */
public final class OutputOptions {
    enum Format { raw, b64, json, table }

    static final ObjectMapper JSON = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL).enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "raw, b64, json or table")
    Format format;

    @Option(names = "--out", paramLabel = "FILE", description = "write to FILE instead of standard output")
    Path out;

    Format formatOr(Format fallback) {
        return format == null ? fallback : format;
    }

    /** A byte result (signature, ciphertext, plaintext, random): the bytes themselves, base64, or the whole answer. */
    void bytes(byte[] value, Object answer, Format fallback) throws IOException {
        switch (formatOr(fallback)) {
            case raw -> write(value);
            case b64 -> write((Base64.getEncoder().encodeToString(value) + "\n").getBytes(StandardCharsets.US_ASCII));
            case json -> json(answer);
            case table -> table(answer);
        }
    }

    /** A record result: a two-column table or JSON. */
    void object(Object answer, Format fallback) throws IOException {
        Format f = formatOr(fallback);
        if (f == Format.raw || f == Format.b64) {
            throw new UsageException("-o " + f + " is for byte results; use -o json or -o table");
        }
        if (f == Format.json) {
            json(answer);
        } else {
            table(answer);
        }
    }

    /** Rows as a table with {@code columns} (JSON field names), or the whole answer as JSON. */
    void rows(List<?> rows, Object answer, List<String> columns) throws IOException {
        Format f = formatOr(Format.table);
        if (f == Format.json) {
            json(answer);
            return;
        }
        if (f != Format.table) {
            throw new UsageException("-o " + f + " is for byte results; use -o json or -o table");
        }
        List<List<String>> cells = new ArrayList<>();
        cells.add(columns.stream().map(c -> c.toUpperCase(java.util.Locale.ROOT)).toList());
        for (Object row : rows) {
            JsonNode node = JSON.valueToTree(row);
            cells.add(columns.stream().map(c -> text(node.get(c))).toList());
        }
        write(render(cells).getBytes(StandardCharsets.UTF_8));
    }

    void json(Object answer) throws IOException {
        write((JSON.writeValueAsString(answer) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    void table(Object answer) throws IOException {
        JsonNode node = JSON.valueToTree(answer);
        List<List<String>> cells = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            cells.add(List.of(e.getKey(), text(e.getValue())));
        }
        write(render(cells).getBytes(StandardCharsets.UTF_8));
    }

    void text(String line) throws IOException {
        write((line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static String text(JsonNode v) {
        if (v == null || v.isNull()) {
            return "-";
        }
        if (v.isArray() && v.size() > 0 && v.get(0).isValueNode()) {
            List<String> parts = new ArrayList<>();
            v.forEach(x -> parts.add(x.asText()));
            return String.join(",", parts);
        }
        return v.isValueNode() ? v.asText() : v.toString();
    }

    private static String render(List<List<String>> rows) {
        int columns = rows.stream().mapToInt(List::size).max().orElse(0);
        int[] width = new int[columns];
        for (List<String> r : rows) {
            for (int i = 0; i < r.size() - 1; i++) {
                width[i] = Math.max(width[i], r.get(i).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (List<String> r : rows) {
            for (int i = 0; i < r.size(); i++) {
                String cell = r.get(i).replace("\n", "\\n");
                sb.append(i < r.size() - 1 ? String.format("%-" + width[i] + "s  ", cell) : cell);
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private void write(byte[] bytes) throws IOException {
        if (out != null) {
            Files.write(out, bytes);
            return;
        }
        PrintStream stdout = System.out; // read now: tests and callers may have replaced it
        OutputStream os = stdout;
        os.write(bytes);
        os.flush();
    }
}
