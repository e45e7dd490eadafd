package com.zeroui.kms.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.zeroui.kms.crypto.FipsJars;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service is built against bcprov/bcpkix-jdk18on but runs on bc-fips/bcpkix-fips in FIPS mode,
 * where a method missing from the FIPS jars would fail only when first called. Compiling the main
 * sources against the FIPS jars instead finds every such call now: use an API both have, or reach a
 * bcprov-only class by name (as BouncyCastleProviders does).
 */
class FipsLinkageTest {
    @Test
    void mainSourcesCompileAgainstTheFipsJars(@TempDir Path out) throws IOException, URISyntaxException {
        List<File> classPath = new ArrayList<>();
        for (URL url : FipsBootstrap.applicationClassPath()) {
            Path entry = Path.of(url.toURI());
            // leave out only this module's own classes (it builds into the repository root's target/):
            // kms-client's target/classes is a dependency like any jar
            Path module = Path.of("target").toAbsolutePath();
            if (!entry.equals(module.resolve("classes")) && !entry.equals(module.resolve("test-classes"))) {
                classPath.add(entry.toFile());
            }
        }
        for (URL url : FipsJars.urls()) {
            classPath.add(Path.of(url.toURI()).toFile());
        }
        List<File> sources;
        try (Stream<Path> files = Files.walk(Path.of("src", "main", "java"))) {
            sources = files.filter(p -> p.toString().endsWith(".java")).map(Path::toFile).toList();
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, null)) {
            List<String> options = List.of("-proc:none", "-nowarn", "-d", out.toString(),
                    "-cp", String.join(File.pathSeparator, classPath.stream().map(File::getPath).toList()));
            javac.getTask(null, files, diagnostics, options, null, files.getJavaFileObjectsFromFiles(sources)).call();
        }
        List<String> errors = diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                .map(d -> d.getSource().getName() + ":" + d.getLineNumber() + ": " + d.getMessage(null)).toList();
        assertThat(errors).as("main code that would not link in FIPS mode (bc-fips/bcpkix-fips lack these)").isEmpty();
    }
}
