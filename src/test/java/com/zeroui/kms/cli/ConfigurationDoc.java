package com.zeroui.kms.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Renders the configuration reference (docs/configuration.md) from a command's picocli options:
 * flag, environment variable, default, meaning. The environment variable and default come from the
 * {@code ${env:KMS_X:-default}} default value, or for options read from the environment by hand
 * (lists) from the description's "Env KMS_X" sentence; that sentence and "Default: …" are taken
 * out of the meaning since they have their own columns.
 */
final class ConfigurationDoc {
    static final String REGENERATE = "mvn -q test -Dtest=ConfigurationDocTest -Dkms.docs.regenerate=true";

    private static final Pattern ENV_DEFAULT = Pattern.compile("\\$\\{env:(KMS_[A-Z0-9_]+)(?::-(.*))?}");
    private static final Pattern ENV_SENTENCE = Pattern.compile("\\s*Env (KMS_[A-Z0-9_]+)( \\(comma-separated\\))?\\.?");
    private static final Pattern DEFAULT_SENTENCE = Pattern.compile("\\s*Default: (.*)$");

    private static final String HEADER = """
            # Configuration reference

            <!-- Generated from the picocli options of `kms serve` (src/main/java/com/zeroui/kms/cli) by
                 ConfigurationDocTest, which fails when this file is out of step. Do not edit by hand. -->
            Generated from the option definitions of `kms serve`; to change a row, change the option's
            description in `src/main/java/com/zeroui/kms/cli/` and regenerate:
            `%s`

            Configuration is read once at start-up, validated as a whole (every problem is reported together,
            with its name and accepted range) and then immutable. Every option has an environment variable;
            a flag wins over its variable. `./kms serve --help` prints the same list. `kms init` accepts the
            data directory, database and trust-domain options too.

            | Option | Environment | Default | Meaning |
            |---|---|---|---|
            """;

    private static final String FOOTER = """

            The database password is read only from `KMS_DATABASE_PASSWORD`, never from a flag.

            Fixed for now and shown by `GET /kms/v1/config` (with the rotation schedule and grace as ISO-8601
            periods): 2^32 encryptions per key, client certificates valid 365 days, server certificate 90 days
            (also the defaults of enrolled client and server certificates), OCSP responses valid 1 hour, the
            OCSP responder certificate 30 days (renewed 10 days before it expires). `GET /kms/v1/config` also
            shows the dual-authorization rules (`dual_authorization`), the rate limits and the violation
            threshold in force.
            """;

    private ConfigurationDoc() {
    }

    static String render(Object command) {
        CommandSpec spec = CommandSpec.forAnnotatedObject(command);
        spec.interpolateVariables(false); // the raw ${env:…:-…} definitions, independent of this machine's environment
        StringBuilder out = new StringBuilder(String.format(HEADER, REGENERATE));
        // the command's own options (listen address, port, …) first, then its mixins' in declaration order
        List<OptionSpec> fromMixins = spec.mixins().values().stream().flatMap(m -> m.options().stream()).toList();
        List<OptionSpec> ordered = new ArrayList<>(spec.options());
        ordered.removeAll(fromMixins);
        ordered.addAll(fromMixins);
        for (OptionSpec option : ordered) {
            if (option.usageHelp() || option.versionHelp() || option.hidden()) {
                continue;
            }
            out.append(row(option)).append('\n');
        }
        return out.append(FOOTER).toString();
    }

    private static String row(OptionSpec option) {
        String meaning = String.join(" ", option.description()).trim();
        String env = null;
        String shown = null;
        if (option.defaultValue() != null) {
            Matcher m = ENV_DEFAULT.matcher(option.defaultValue());
            if (!m.matches()) {
                throw new IllegalStateException(option.longestName() + ": default value is not ${env:KMS_X:-default}");
            }
            env = "`" + m.group(1) + "`";
            shown = m.group(2);
        }
        Matcher envSentence = ENV_SENTENCE.matcher(meaning);
        if (envSentence.find()) {
            if (env == null) {
                env = "`" + envSentence.group(1) + "`" + (envSentence.group(2) == null ? "" : envSentence.group(2));
            }
            meaning = envSentence.replaceFirst("");
        }
        if (env == null) {
            throw new IllegalStateException(option.longestName() + " names no KMS_* environment variable");
        }
        Matcher defaultSentence = DEFAULT_SENTENCE.matcher(meaning);
        if (defaultSentence.find()) {
            if (shown == null) {
                shown = defaultSentence.group(1);
            }
            meaning = meaning.substring(0, defaultSentence.start());
        }
        meaning = meaning.trim();
        if (!meaning.isEmpty() && !meaning.endsWith(".")) {
            meaning += ".";
        }
        String names = String.join(", ", option.names().length == 1 ? option.names()
                : new String[] {option.longestName()});
        return "| `" + names + "` | " + env + " | "
                + (shown == null || shown.isEmpty() ? "—" : "`" + shown + "`") + " | " + cell(meaning) + " |";
    }

    /** Markdown table cells cannot hold a bare pipe. */
    private static String cell(String text) {
        return text.replace("|", "\\|");
    }
}
