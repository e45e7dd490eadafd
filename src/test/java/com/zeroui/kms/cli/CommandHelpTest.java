package com.zeroui.kms.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.assertj.core.api.SoftAssertions;

import com.zeroui.kms.support.CliRun;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** Every command's help, walked over the real command tree: listed, reachable, its own options, one example that parses. */
class CommandHelpTest {
    private static final Pattern LONG_FLAG = Pattern.compile("(?<![\\w-])--[a-z][a-z0-9-]*(?![\\w*-])");
    private static final Pattern EXAMPLE = Pattern.compile("Example: [^\\n]*?\\./kms ([^)|>\\n]*)");

    /** Every command below the root, once each (aliases name the same CommandLine). */
    private static List<CommandLine> commands() {
        List<CommandLine> all = new ArrayList<>();
        collect(Main.commandLine(), all);
        return all;
    }

    private static void collect(CommandLine parent, List<CommandLine> into) {
        for (CommandLine sub : distinct(parent.getSubcommands().values())) {
            into.add(sub);
            collect(sub, into);
        }
    }

    private static Collection<CommandLine> distinct(Collection<CommandLine> commands) {
        IdentityHashMap<CommandLine, Boolean> seen = new IdentityHashMap<>();
        commands.forEach(c -> seen.put(c, true));
        return seen.keySet();
    }

    private static String usage(CommandLine c) {
        return c.getUsageMessage(Help.Ansi.OFF);
    }

    /** The words after {@code kms}: {@code key create}. */
    private static List<String> path(CommandLine c) {
        List<String> words = new ArrayList<>();
        for (CommandSpec s = c.getCommandSpec(); s.parent() != null; s = s.parent()) {
            words.add(0, s.name());
        }
        return words;
    }

    private static Set<String> optionNames(CommandSpec spec) {
        Set<String> names = new LinkedHashSet<>();
        for (OptionSpec o : spec.options()) {
            names.addAll(List.of(o.names()));
        }
        return names;
    }

    @Test
    void rootHelpListsEveryCommandAndTheVersion() {
        CliRun help = CliRun.run("--help");
        assertThat(help.exitCode()).isZero();
        for (CommandLine c : distinct(Main.commandLine().getSubcommands().values())) {
            assertThat(help.out()).as("./kms --help").containsPattern("(?m)^  " + Pattern.quote(c.getCommandName()) + "[ ,]");
        }
        assertThat(help.out()).contains("  test ", "  key ", "  encrypt ", "  completion ");
        assertThat(help.out().lines().count()).as("./kms --help fits a terminal").isLessThanOrEqualTo(40);

        CliRun version = CliRun.run("--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).startsWith("kms ");
    }

    @Test
    void helpWorksForEveryCommandAndShowsExactlyOneExample() {
        List<CommandLine> commands = commands();
        assertThat(commands).extracting(c -> String.join(" ", path(c))).contains("test", "key import", "completion");
        SoftAssertions soft = new SoftAssertions();
        for (CommandLine c : commands) {
            String name = String.join(" ", path(c));
            List<String> words = new ArrayList<>(List.of("help"));
            words.addAll(path(c));
            CliRun help = CliRun.run(words.toArray(String[]::new));
            soft.assertThat(help.exitCode()).as("./kms help " + name + ": " + help.err()).isZero();
            soft.assertThat(help.out()).as("./kms help " + name).isEqualTo(usage(c));
            soft.assertThat(usage(c).split("Example: ", -1)).as("examples in ./kms help " + name).hasSize(2);
            // on one line at 80 columns, so that it can be copied
            String footer = String.join("\n", c.getCommandSpec().usageMessage().footer()).replace("%n", "\n");
            footer.lines().filter(l -> l.startsWith("Example: ")).forEach(line ->
                    soft.assertThat(usage(c)).as("./kms help " + name + ": its example unwrapped").contains(line + "\n"));
        }
        soft.assertAll();
    }

    /** A flag in a command's help (options, description, footer, example) must be one the command (or, for a group, its subcommands) has. */
    @Test
    void eachCommandsHelpNamesOnlyItsOwnOptions() {
        SoftAssertions soft = new SoftAssertions();
        for (CommandLine c : commands()) {
            Set<String> known = optionNames(c.getCommandSpec());
            distinct(c.getSubcommands().values()).forEach(sub -> known.addAll(optionNames(sub.getCommandSpec())));
            Matcher flags = LONG_FLAG.matcher(usage(c));
            while (flags.find()) {
                soft.assertThat(known).as("a flag in ./kms help " + String.join(" ", path(c))).contains(flags.group());
            }
            if (c.getCommandSpec().parent().parent() != null) {
                soft.assertThat(usage(c)).as("./kms help " + String.join(" ", path(c))).doesNotContain("--version");
            }
        }
        soft.assertAll();
    }

    /** Each example is a command line that parses, and runs the command it documents (or, for a group, one of its own). */
    @Test
    void eachExampleParsesAsItsOwnCommand() {
        SoftAssertions soft = new SoftAssertions();
        for (CommandLine c : commands()) {
            Matcher example = EXAMPLE.matcher(usage(c));
            if (!example.find()) {
                soft.fail("no example in ./kms help " + String.join(" ", path(c)));
                continue;
            }
            List<String> args = shellWords(example.group(1));
            CommandLine.ParseResult parsed;
            try {
                parsed = Main.commandLine().parseArgs(args.toArray(String[]::new));
            } catch (CommandLine.ParameterException e) {
                soft.fail("./kms " + String.join(" ", args) + ": " + e.getMessage());
                continue;
            }
            List<Class<?>> runs = new ArrayList<>();
            for (CommandLine.ParseResult p = parsed; p != null; p = p.hasSubcommand() ? p.subcommand() : null) {
                runs.add(p.commandSpec().userObject().getClass());
            }
            // by class: `key help`'s example is `./kms help key create`, the same command at the root; a group's
            // example runs one of its subcommands
            soft.assertThat(runs).as("what ./kms " + String.join(" ", args) + " runs")
                    .contains(c.getCommandSpec().userObject().getClass());
        }
        soft.assertAll();
    }

    /** Splits like a shell: spaces separate words, single quotes keep them together. */
    private static List<String> shellWords(String line) {
        List<String> words = new ArrayList<>();
        Matcher m = Pattern.compile("'([^']*)'|(\\S+)").matcher(line);
        while (m.find()) {
            words.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        return words;
    }

    @Test
    void completionCoversTheWholeTree() {
        CliRun bash = CliRun.run("completion", "bash");
        assertThat(bash.exitCode()).isZero();
        assertThat(bash.out()).contains("complete -F").contains("encrypt", "import", "rotate");
        CliRun zsh = CliRun.run("completion", "zsh");
        assertThat(zsh.out()).startsWith("autoload -U +X compinit").contains("bashcompinit", "complete -F");
    }
}
