package com.zeroui.kms.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchCommandTest {
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalErr;

    @BeforeEach
    void captureStderr() {
        originalErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreStderr() {
        System.setErr(originalErr);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void unknownOperationIsAUsageError() {
        assertThat(Main.run("bench", "--operations", "sign-eddsa,sign-es256")).isEqualTo(2);
        assertThat(stderr()).contains("unknown operation 'sign-es256'");
    }

    @Test
    void nonPositiveConcurrencyIsAUsageError() {
        assertThat(Main.run("bench", "--concurrency", "0")).isEqualTo(2);
        assertThat(stderr()).contains("--concurrency");
    }

    @Test
    void missingClientCredentialsFailBeforeAnyLoad(@TempDir Path empty) throws Exception {
        Files.createDirectories(empty.resolve("tls"));
        assertThat(Main.run("bench", "--data-dir", empty.toString(), "--url", "https://127.0.0.1:1")).isEqualTo(2);
        assertThat(stderr()).contains("cannot set up").contains("admin.pem");
    }
}
