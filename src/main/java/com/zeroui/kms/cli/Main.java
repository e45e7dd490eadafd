package com.zeroui.kms.cli;

import com.zeroui.kms.cli.help.HelpCommand;
import com.zeroui.kms.cli.remote.CryptoCommands;
import com.zeroui.kms.cli.remote.KeyCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code kms serve | init | cert | audit | bench | test | backup | console | master-key | compliance} run the
 * service and its tools; {@code kms key | sign | verify | encrypt | decrypt | mac | random} call a running
 * one over its API (cli.remote, built on kms-client).
 */
@Command(name = "kms", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "ZeroUI Key & Trust Management service (M33)",
        subcommands = {ServeCommand.class, InitCommand.class, CertCommand.class, AuditCommand.class, BenchCommand.class,
                TestCommand.class, HelpCommand.class, BackupCommand.class, ConsoleCommand.class,
                MasterKeyCommand.class, ComplianceCommand.class, KeyCommand.class, CryptoCommands.Sign.class,
                CryptoCommands.Verify.class, CryptoCommands.Encrypt.class, CryptoCommands.Decrypt.class,
                CryptoCommands.Mac.class, CryptoCommands.Derive.class, CryptoCommands.Random.class, CompletionCommand.class},
        footer = {"%n./kms help COMMAND shows its options and an example.",
                "Shell completion: source <(./kms completion bash)"})
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
        return commandLine().execute(args);
    }

    /** The whole command tree as it runs; tests walk it to check every command's help. */
    public static CommandLine commandLine() {
        // wide terminals get wide help; 80 columns otherwise
        CommandLine cli = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).setUsageHelpAutoWidth(true);
        withoutSubcommandVersions(cli);
        return cli;
    }

    /**
     * The version is the program's ({@code ./kms --version}); picocli's standard help options would give
     * each subcommand a -V that prints nothing, shown in its help as if it were one of its options.
     */
    private static void withoutSubcommandVersions(CommandLine parent) {
        for (CommandLine sub : parent.getSubcommands().values()) {
            CommandLine.Model.OptionSpec version = sub.getCommandSpec().findOption("--version");
            if (version != null && version.versionHelp()) {
                sub.getCommandSpec().remove(version);
            }
            withoutSubcommandVersions(sub);
        }
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
