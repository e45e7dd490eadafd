package com.zeroui.kms.cli.help;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code help [COMMAND...]}: the usage of the command named by all the words, so
 * {@code ./kms help key create} works. Picocli's own help command looks up one word only.
 */
@Command(name = "help", helpCommand = true, description = "Show a command's usage, e.g. help key create",
        footer = "%nExample: ./kms help key create")
public final class HelpCommand implements CommandLine.IHelpCommandInitializable2, Runnable {
    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "the command's words, e.g. key create")
    private List<String> words = new ArrayList<>();

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this usage and exit.")
    private boolean usageRequested;

    private CommandLine self;
    private Help.ColorScheme colorScheme;
    private PrintWriter out;

    @Override
    public void init(CommandLine helpCommandLine, Help.ColorScheme colorScheme, PrintWriter out, PrintWriter err) {
        this.self = helpCommandLine;
        this.colorScheme = colorScheme;
        this.out = out;
    }

    @Override
    public void run() {
        CommandLine target = self.getParent();
        if (target == null) {
            self.usage(out, colorScheme);
            return;
        }
        List<String> walked = new ArrayList<>();
        for (String word : words) {
            CommandLine next = target.getSubcommands().get(word);
            walked.add(word);
            if (next == null) {
                throw new CommandLine.ParameterException(self, "Unknown command '" + String.join(" ", walked) + "'.",
                        null, word);
            }
            target = next;
        }
        target.usage(out, colorScheme);
    }
}
