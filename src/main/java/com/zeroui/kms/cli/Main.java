package com.zeroui.kms.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code kms serve | init | cert issue | audit export|verify | bench}. */
@Command(name = "kms", mixinStandardHelpOptions = true, version = "kms 0.1.0",
        description = "ZeroUI Key & Trust Management service (M33)",
        subcommands = {ServeCommand.class, InitCommand.class, CertCommand.class, AuditCommand.class, BenchCommand.class,
                MasterKeyCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
