package org.compofa.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code compofa help [COMMAND]}: the usage of compofa or of one command, exit 0. Ours rather than
 * picocli's built-in one, which ignores unknown options instead of refusing them like every other
 * command.
 */
@Command(name = "help", description = "The usage of compofa, or of one command (same as `compofa COMMAND --help`).")
final class HelpCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "COMMAND", description = "the command to describe")
    private String command;

    @Override
    public Integer call() {
        CommandLine top = spec.parent().commandLine();
        CommandLine target = command == null ? top : top.getSubcommands().get(command);
        if (target == null) {
            throw new ParameterException(spec.commandLine(), "unknown command '" + command + "': allowed "
                    + String.join(", ", top.getSubcommands().keySet()));
        }
        target.usage(Main.out(spec));
        return 0;
    }
}
