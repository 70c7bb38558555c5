package dev.bulwark.cli;

import dev.bulwark.BulwarkException;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print a shell completion script for bash or zsh.",
                "bash: source <(bulwark completion bash), or save it under /etc/bash_completion.d/.",
                "zsh: source <(bulwark completion zsh) in ~/.zshrc (it loads bashcompinit)."})
final class CompletionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SHELL", description = "bash or zsh.")
    String shell;

    @Override
    public Integer call() {
        String script = AutoComplete.bash("bulwark", spec.root().commandLine());
        String s = shell.toLowerCase(Locale.ROOT);
        if (s.equals("zsh")) {
            // picocli's script is bash's complete/compgen; zsh runs it through bashcompinit
            script = "autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n" + script;
        } else if (!s.equals("bash")) {
            throw BulwarkException.usage("no completion for shell '" + shell + "'", "use bash or zsh");
        }
        spec.commandLine().getOut().print(script);
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
