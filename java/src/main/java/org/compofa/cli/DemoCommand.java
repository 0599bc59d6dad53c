package org.compofa.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * {@code compofa demo}: the whole pipeline at a size that fits about ten minutes on a 2-core CPU:
 * backends, teacher + CompOFA compound training on a Fashion-MNIST subset, latency tables on this
 * machine, evaluation of every compound subnet, exact search for a few budgets with the Pareto
 * plot, export of the largest subnet to ONNX (checked in ONNX Runtime), and a closing summary.
 * Everything lands in {@code --run} (default {@code runs/demo}); rerunning resumes. Each step is the
 * printed {@code compofa} command line, run in-process: the demo's options go to every step that
 * has them.
 */
@Command(name = "demo", defaultValueProvider = DemoCommand.Defaults.class,
        description = {"The main job: train, latency, evaluate, search and export on a Fashion-MNIST subset "
            + "(about ten minutes on 2 cores; rerunning resumes).",
            "Each step is printed as the compofa command it runs; the options below go to every step that has them."})
final class DemoCommand implements Callable<Integer> {
    /** The demo's size: the shared options' defaults here. */
    static final class Defaults extends SharedOptions.Defaults {
        static final Map<String, String> VALUES = Map.of("--run", "runs/demo", "--train-limit", "6000",
                "--test-limit", "1000", "--teacher-epochs", "2", "--compound-epochs", "2");

        /** Picocli's constructor. */
        public Defaults() {
            super(VALUES);
        }
    }

    /** The resolution the demo evaluates, times and exports at, when the run has it. */
    private static final int RESOLUTION = 28;

    @Spec
    private CommandSpec spec;

    @Option(names = "--run", paramLabel = "DIR", description = "run directory: every artifact lands there")
    private Path runDir;

    @Mixin
    private SharedOptions.Recipe recipe;

    @Mixin
    private SharedOptions.Epochs epochs;

    @Mixin
    private SharedOptions.Engine engine;

    @Override
    public Integer call() {
        PrintStream out = Main.out(spec);
        long t0 = System.nanoTime();
        int status = InfoCommand.run(out);
        for (List<String> step : steps()) {
            if (status != 0) {
                break;
            }
            out.println("\n=== compofa " + String.join(" ", step));
            status = Main.execute(out, Main.err(spec), step.toArray(String[]::new));
        }
        out.printf("%n=== demo %s in %.1f min; artifacts in %s%n", status == 0 ? "finished" : "FAILED",
                (System.nanoTime() - t0) / 60e9, runDir);
        return status;
    }

    /** The command lines of the steps after {@code info}, in order. */
    List<List<String>> steps() {
        List<Integer> trained = recipe.space.resolutions.values();
        String r = Integer.toString(trained.contains(RESOLUTION) ? RESOLUTION : trained.get(trained.size() / 2));
        return List.of(
                step("train", "recipe"),
                step("latency", "--batches", "1,16", "--warmup", "1", "--repeats", "5", "--eval-resolutions", r),
                step("evaluate", "--eval-resolutions", r, "--recal-images", "500"),
                step("search", "--budgets", "4"),
                step("export", "--subnet", "largest", "--resolution", r));
    }

    /**
     * The command line of one step: the command, every demo option that command declares (as given,
     * or the demo's default), then the step's own options.
     */
    private List<String> step(String command, String... own) {
        CommandSpec target = spec.parent().subcommands().get(command).getCommandSpec();
        ParseResult parsed = spec.commandLine().getParseResult();
        List<String> args = new ArrayList<>(List.of(command));
        if (command.equals("train")) {
            args.add(own[0]);
            own = new String[0];
        }
        for (OptionSpec o : spec.options()) {
            String name = o.longestName();
            if (o.usageHelp() || o.versionHelp() || target.findOption(name) == null) {
                continue;
            }
            OptionSpec matched = parsed == null ? null : parsed.matchedOption(name);
            if (matched != null && o.arity().max() == 0) {
                args.add(name);
            } else if (matched != null) {
                args.add(name);
                args.add(matched.originalStringValues().getLast());
            } else if (Defaults.VALUES.containsKey(name)) {
                args.add(name);
                args.add(Defaults.VALUES.get(name));
            }
        }
        args.addAll(List.of(own));
        return args;
    }
}
