package org.compofa.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code compofa} command line (picocli). Commands:
 * <ul>
 *   <li>{@code info}: which backends this machine has, and why one is unavailable;</li>
 *   <li>{@code selfcheck}: every production backend against the reference kernels at the CompOFA
 *       stage shapes, with the error and time of each;</li>
 *   <li>{@code train}: teacher, CompOFA compound training or both plus evaluation ({@link TrainCommand});</li>
 *   <li>{@code import}: an OFA / CompOFA checkpoint from PyTorch as a run ({@link ImportCommand});</li>
 *   <li>{@code export}: a trained subnet as a model file and ONNX ({@link ExportCommand});</li>
 *   <li>{@code evaluate}, {@code latency}, {@code search}: accuracy table, latency tables, exact search;</li>
 *   <li>{@code compare}: OFA progressive shrinking vs CompOFA, trained, searched and reported
 *       ({@link CompareCommand});</li>
 *   <li>{@code step-bench}: training throughput of the compound step ({@link StepBenchCommand});</li>
 *   <li>{@code demo}: the main job, every step above on a Fashion-MNIST subset ({@link DemoCommand}).</li>
 * </ul>
 * Every command takes {@code -h/--help}, {@code -V/--version} and {@code --verbose} (stack traces of
 * failures). Exit status: 0 on success, 1 when the work fails (a missing or bad file, a check that
 * does not pass), 2 on a usage error (unknown option, bad value, no command: a bare {@code compofa}
 * prints the usage and exits 2).
 */
@Command(name = "compofa", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, showDefaultValues = true,
        versionProvider = VersionProvider.class, usageHelpAutoWidth = true,
        description = "CompOFA on the JVM: train, time, evaluate, search and export compound once-for-all networks.",
        footer = {"", "Exit status: 0 success, 1 failure (bad file, failed check), 2 usage error.",
            "`compofa <command> --help` lists the options of one command."},
        subcommands = {InfoCommand.class, SelfCheckCommand.class, TrainCommand.class, ImportCommand.class,
            LatencyCommand.class,
            EvaluateCommand.class, SearchCommand.class, ExportCommand.class, CompareCommand.class,
            StepBenchCommand.class, DemoCommand.class, HelpCommand.class})
public final class Main implements Callable<Integer> {
    private final PrintStream out;
    private final PrintStream err;

    @Spec
    private CommandSpec spec;

    /** Declared here for the help; read from the parse result by {@link Failures} at any level. */
    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "on a failure, also print the stack trace")
    private boolean verbose;

    private Main(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /**
     * Runs the command line and exits with its status.
     *
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs one command on {@code System.out}/{@code System.err} and returns its exit status.
     *
     * @param args command-line arguments
     * @return the command's exit status, 0 on success
     */
    public static int run(String... args) {
        return execute(System.out, System.err, args);
    }

    /**
     * Runs one command with its output and messages on the given streams (in-process, for tests and
     * for the demo's steps) and returns its exit status.
     *
     * @param out where the command's output goes
     * @param err where messages and errors go
     * @param args command-line arguments
     * @return the command's exit status, 0 on success
     */
    public static int execute(PrintStream out, PrintStream err, String... args) {
        return commandLine(out, err).execute(args);
    }

    /** A fresh command line whose commands write to {@code out} and report to {@code err}. */
    static CommandLine commandLine(PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new Main(out, err));
        Charset cs = out.charset();
        cl.setOut(new PrintWriter(new java.io.OutputStreamWriter(out, cs), true));
        cl.setErr(new PrintWriter(new java.io.OutputStreamWriter(err, err.charset()), true));
        cl.setExecutionExceptionHandler(new Failures());
        cl.setParameterExceptionHandler(Failures::usageError);
        return cl;
    }

    /** The stream a command writes its results to. */
    static PrintStream out(CommandSpec spec) {
        return ((Main) spec.root().userObject()).out;
    }

    /** The stream a command writes its messages to. */
    static PrintStream err(CommandSpec spec) {
        return ((Main) spec.root().userObject()).err;
    }

    /** A bare {@code compofa}: a usage error that prints the usage. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "a command is required");
    }
}
