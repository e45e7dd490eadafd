package com.zeroui.kms.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code kms serve | init | cert issue | audit export|verify | bench | test | console login | help}. */
@Command(name = "kms", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "ZeroUI Key & Trust Management service (M33)",
        subcommands = {ServeCommand.class, InitCommand.class, CertCommand.class, AuditCommand.class, BenchCommand.class,
                TestCommand.class, CommandLine.HelpCommand.class, BackupCommand.class, ConsoleCommand.class,
                MasterKeyCommand.class, ComplianceCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // FIPS mode swaps the Bouncy Castle classes, so it must take over before anything loads them
        if (!FipsBootstrap.isolated() && FipsBootstrap.requested(args, System.getenv())) {
            System.exit(FipsBootstrap.runIsolated(args));
        }
        System.exit(run(args));
    }

    public static int run(String... args) {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The project version the jar's manifest carries (set from the pom at packaging). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"kms " + (version == null ? "(development build)" : version)};
        }
    }
}
