package org.compofa.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code compofa demo}: the whole pipeline at a size that fits about ten minutes on a 2-core CPU:
 * backends, teacher + CompOFA compound training on a Fashion-MNIST subset, latency tables on this
 * machine, evaluation of every compound subnet, exact search for a few budgets with the Pareto
 * plot, export of the subnet chosen for the middle budget to ONNX (checked in ONNX Runtime), and a
 * closing summary. Everything lands in {@code --run} (default {@code runs/demo}); rerunning resumes.
 */
final class DemoCommand {
    private DemoCommand() {}

    static int run(PrintStream out, String... args) {
        long t0 = System.nanoTime();
        List<String> common = new ArrayList<>(List.of("--run", "runs/demo", "--train-limit", "6000", "--test-limit",
                "1000", "--teacher-epochs", "2", "--compound-epochs", "2"));
        common.addAll(List.of(args));
        if (common.contains("--out")) {
            System.err.println("compofa demo: --out is not an option of the demo; use --run DIR (every artifact lands there)");
            return 2;
        }
        Options o = Options.parse(common);
        String run = o.get("run", "runs/demo");
        List<String[]> steps = List.of(
                withOut(common, run, "train", "recipe"),
                with(common, "latency", "--batches", "1,16", "--warmup", "1", "--repeats", "5", "--eval-resolutions",
                        "28"),
                with(common, "evaluate", "--eval-resolutions", "28", "--recal-images", "500"),
                with(common, "search", "--budgets", "4"),
                with(common, "export", "--subnet", "largest"));
        int status = InfoCommand.run(out);
        for (String[] step : steps) {
            if (status != 0) {
                break;
            }
            out.println("\n=== compofa " + String.join(" ", step));
            status = Main.run(step);
        }
        out.printf("%n=== demo %s in %.1f min; artifacts in %s%n", status == 0 ? "finished" : "FAILED",
                (System.nanoTime() - t0) / 60e9, run);
        return status;
    }

    private static String[] with(List<String> common, String command, String... extra) {
        List<String> a = new ArrayList<>();
        a.add(command);
        for (int i = 0; i < common.size(); i += 2) {
            if (!common.get(i).equals("--teacher-epochs") && !common.get(i).equals("--compound-epochs")
                    && !common.get(i).equals("--train-limit")) {
                a.add(common.get(i));
                a.add(common.get(i + 1));
            }
        }
        a.addAll(List.of(extra));
        if (command.equals("evaluate") || command.equals("export")) {
            a.addAll(List.of("--train-limit", value(common, "--train-limit")));
        }
        return a.toArray(String[]::new);
    }

    private static String[] withOut(List<String> common, String run, String... command) {
        List<String> a = new ArrayList<>(List.of(command));
        for (int i = 0; i < common.size(); i += 2) {
            a.add(common.get(i).equals("--run") ? "--out" : common.get(i));
            a.add(common.get(i + 1));
        }
        return a.toArray(String[]::new);
    }

    private static String value(List<String> common, String key) {
        String v = null;
        for (int i = 0; i < common.size(); i += 2) {
            if (common.get(i).equals(key)) {
                v = common.get(i + 1);
            }
        }
        return v;
    }
}
