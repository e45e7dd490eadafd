package com.zeroui.kms.cli;

import picocli.CommandLine.Command;

/**
 * Listed so that {@code kms --help} shows every command; the tests run from the source tree, which
 * the jar does not have, so the {@code ./kms} launcher handles {@code test} before the jar starts.
 */
@Command(name = "test", description = "Run every test of every module (mvn -B verify)",
        footer = "%nExample: ./kms test")
final class TestCommand implements java.util.concurrent.Callable<Integer> {
    @picocli.CommandLine.Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
    boolean help;

    @Override
    public Integer call() {
        System.err.println("kms: `test` runs from the source tree: use ./kms test (mvn -B verify)");
        return 2;
    }
}
