package com.zeroui.kms.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code completion [bash|zsh]}: picocli's completion script for the whole command tree. The one script
 * serves both shells (zsh loads it through bashcompinit).
 */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = "Print the shell completion script (bash, or zsh with bashcompinit)",
        footer = "%nExample: source <(./kms completion bash)")
final class CompletionCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SHELL", arity = "0..1", defaultValue = "bash", description = "bash (default) or zsh")
    Shell shell;

    enum Shell { bash, zsh }

    @Override
    public void run() {
        String script = AutoComplete.bash("kms", spec.root().commandLine());
        if (shell == Shell.zsh) {
            script = "autoload -U +X compinit && compinit%nautoload -U +X bashcompinit && bashcompinit%n".formatted() + script;
        }
        System.out.print(script);
        System.out.flush();
    }
}
