package com.zeroui.kms.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.zeroui.kms.support.TestNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The 20-line example of docs/client.md, compiled and run as written against a real node (only its URL and data directory swapped). */
class ClientDocExampleIT {
    @TempDir
    Path dir;

    @Test
    void theDocumentedExampleCompilesAndRuns() throws Exception {
        String doc = Files.readString(Path.of("docs/client.md"));
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        assertThat(m.find()).isTrue();
        String code = m.group(1);
        assertThat(code.lines().count()).isLessThanOrEqualTo(20);
        try (TestNode node = TestNode.start()) {
            code = code.replace("https://127.0.0.1:8443", node.baseUrl()).replace("\"kms-data/", "\"" + node.dataDir() + "/");
            List<String> imports = new ArrayList<>(List.of("import com.zeroui.kms.client.receipts.*;"));
            StringBuilder body = new StringBuilder();
            for (String line : code.lines().toList()) {
                if (line.startsWith("import ")) {
                    imports.add(line);
                } else {
                    body.append(line).append('\n');
                }
            }
            String source = String.join("\n", imports) + "\npublic class Example { public static void main(String[] a) throws Exception {\n"
                    + body + "}}\n";
            Path file = dir.resolve("Example.java");
            Files.writeString(file, source);
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            ByteArrayOutputStream errors = new ByteArrayOutputStream();
            int rc = javac.run(null, null, errors, "-cp", System.getProperty("java.class.path"), "-d", dir.toString(), file.toString());
            assertThat(rc).as(errors.toString(StandardCharsets.UTF_8)).isZero();

            PrintStream original = System.out;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
                loader.loadClass("Example").getMethod("main", String[].class).invoke(null, (Object) new String[0]);
            } finally {
                System.setOut(original);
            }
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("404 KEY_NOT_FOUND");
        }
    }
}
