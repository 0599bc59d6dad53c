package org.compofa.cli;

import java.util.Arrays;

/**
 * The {@code compofa} command line. Subcommands:
 * <ul>
 *   <li>{@code info}: which backends this machine has, and why one is unavailable;</li>
 *   <li>{@code selfcheck}: every production backend against the reference kernels at the CompOFA
 *       stage shapes, with the error and time of each;</li>
 *   <li>{@code train}: teacher, CompOFA compound training or both plus evaluation ({@link TrainCommand});</li>
 *   <li>{@code export}: a trained subnet as a model file and ONNX ({@link ExportCommand});</li>
 *   <li>{@code evaluate}, {@code latency}, {@code search}: accuracy table, latency tables, exact search;</li>
 *   <li>{@code compare}: OFA progressive shrinking vs CompOFA, trained, searched and reported
 *       ({@link CompareCommand});</li>
 *   <li>{@code step-bench}: training throughput of the compound step ({@link StepBenchCommand});</li>
 *   <li>{@code demo}: the main job, every step above on a Fashion-MNIST subset ({@link DemoCommand}).</li>
 * </ul>
 * Exit status 0 on success, 1 when a check fails, 2 on a usage error.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs one subcommand and returns its exit status (the tests call this). */
    public static int run(String... args) {
        String command = args.length == 0 ? "demo" : args[0];
        String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
        switch (command) {
            case "info":
                return InfoCommand.run(System.out);
            case "selfcheck":
                return SelfCheckCommand.run(System.out, rest);
            case "train":
                return TrainCommand.run(System.out, rest);
            case "export":
                return ExportCommand.run(System.out, rest);
            case "evaluate":
                return EvaluateCommand.run(System.out, rest);
            case "latency":
                return LatencyCommand.run(System.out, rest);
            case "search":
                return SearchCommand.run(System.out, rest);
            case "compare":
                return CompareCommand.run(System.out, rest);
            case "demo":
                return DemoCommand.run(System.out, rest);
            case "step-bench":
                return StepBenchCommand.run(System.out, rest);
            case "help", "--help", "-h":
                System.out.println(usage());
                return 0;
            default:
                System.err.println("unknown command '" + command + "'\n" + usage());
                return 2;
        }
    }

    static String usage() {
        return """
                usage: compofa <command>
                  info        backends on this machine (and why one is unavailable)
                  selfcheck   production kernels vs the reference at the CompOFA stage shapes [--seed N]
                  train       teacher | compound | ofa-ps | recipe on Fashion-MNIST (resumable; see `train` alone)
                  evaluate    BN-recalibrated top-1 of every compound subnet (accuracy.csv, CDF plot)
                  latency     latency table of every compound subnet on this machine (CSV + JSON)
                  search      best subnet per latency budget and Pareto fronts (CSV + PNG)
                  export      a trained subnet as our model file and ONNX, checked in ONNX Runtime
                  compare     OFA progressive shrinking vs CompOFA: training cost, Pareto fronts, accuracy
                              CDFs, search time; report in <run>/compare/ (resumable; see `compare --help`)
                  step-bench  images/s of one compound training step on this machine (synthetic data)
                  demo        the main job: train, latency, evaluate, search, export on a Fashion-MNIST subset""";
    }
}
