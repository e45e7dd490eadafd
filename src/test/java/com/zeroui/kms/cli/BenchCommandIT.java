package com.zeroui.kms.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.zeroui.kms.bench.BenchOperations;
import com.zeroui.kms.bench.ReportTable;
import com.zeroui.kms.support.TestNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The bench command end to end against a real node over mTLS, with a minimal load. It asserts
 * that every request succeeds and the report has its shape, never any figure: numbers are for
 * BENCHMARKS.md, not for a test.
 */
class BenchCommandIT {
    @Test
    void benchmarksEveryOperationWithoutErrors() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream originalOut = System.out;
        int exit;
        try (TestNode node = TestNode.start()) {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            exit = Main.run("bench", "--url", "https://127.0.0.1:" + node.node().port(),
                    "--data-dir", node.dataDir().toString(), "--concurrency", "2", "--keygen-concurrency", "1",
                    "--duration", "1", "--warmup", "0");
        } finally {
            System.setOut(originalOut);
        }
        String report = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(report).isZero();
        assertThat(report).contains("server crypto provider: ").contains(ReportTable.HEADER);
        List<String> rows = report.lines().filter(l -> l.startsWith("| ") && !l.equals(ReportTable.HEADER)).toList();
        assertThat(rows).extracting(r -> r.split(" \\| ")[0].substring(2)).containsExactlyElementsOf(BenchOperations.ALL);
        for (String row : rows) {
            String[] cells = row.split(" \\| ");
            boolean keygen = cells[0].startsWith("| keygen");
            assertThat(cells[1]).as("concurrency in %s", row).isEqualTo(keygen ? "1" : "2");
            assertThat(cells[6]).as("errors in %s", row).isEqualTo("0");
            if (cells[0].equals("| get-key")) {
                assertThat(cells[7]).as("no in-process twin for retrieval").isEqualTo("n/a");
            } else if (!keygen) {
                // key generation may finish no request inside a one-second window on a loaded machine
                assertThat(Double.parseDouble(cells[2])).as("ops/s in %s", row).isPositive();
                assertThat(Double.parseDouble(cells[7])).as("raw ops/s in %s", row).isPositive();
            }
        }
    }

    @Test
    void soakPrintsEveryColumnPerIntervalFromARealNodeAndJudgesDrift() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream originalOut = System.out;
        int exit;
        try (TestNode node = TestNode.start()) {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            exit = Main.run("bench", "--url", "https://127.0.0.1:" + node.node().port(),
                    "--data-dir", node.dataDir().toString(), "--concurrency", "2", "--soak", "6s", "--interval", "2s");
        } finally {
            System.setOut(originalOut);
        }
        String report = out.toString(StandardCharsets.UTF_8);
        assertThat(report).contains(com.zeroui.kms.bench.SoakRunner.HEADER);
        List<String> rows = report.lines().filter(l -> l.matches("\\| \\d+ \\|.*")).toList();
        assertThat(rows).as(report).hasSize(3);
        for (String row : rows) {
            String[] cells = row.split(" \\| ");
            assertThat(cells[3]).as("errors in %s", row).isEqualTo("0");
            // RSS, heap after GC (a GC has run by now in a test JVM), fds, threads, audit log: read from /metrics
            for (int column = 6; column <= 10; column++) {
                assertThat(cells[column]).as("column %d of %s", column, row).matches("\\d+");
            }
        }
        assertThat(report).contains("- drift check").contains("RSS: ").contains("heap after GC: ")
                .contains("open fds: ").contains("threads: ");
        // a drift verdict on 6 seconds is noise (the JIT and caches are warming up): exit 0 or 1, never a usage error
        assertThat(exit).as(report).isIn(0, 1);
    }
}
