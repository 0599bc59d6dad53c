package org.compofa.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.compofa.data.FashionMnist;
import org.compofa.nn.Network;
import org.compofa.runtime.ComputeContext;
import org.compofa.train.FashionRecipe;
import org.compofa.train.PhaseResult;

/**
 * {@code compofa train teacher|compound|recipe}: trains on Fashion-MNIST (or IDX files in
 * {@code --data}), resuming any run found in {@code --out}. {@code recipe} = teacher, compound,
 * then the BN-recalibrated accuracy of the largest and smallest compound subnets, written to
 * {@code summary.json} and {@code summary.csv} in the run directory.
 */
final class TrainCommand {
    private TrainCommand() {}

    static String usage() {
        return """
                usage: compofa train teacher|compound|ofa-ps|recipe [options]
                  --data DIR             Fashion-MNIST IDX files (default %s)
                  --out DIR              run directory, resumed when it exists (default runs/fashion)
                  --width W              supernet width multiplier (default 0.5)
                  --batch N              images per step (default 128)
                  --teacher-epochs N     (default 14)
                  --compound-epochs N    over CompOFA's two phases (default 4)
                  --compound-lr-scale X  factor on the batch-scaled compound lr (default 3)
                  --ofa-epochs N         over OFA's five shrinking phases (default: compound x 425/150,
                                         the reference's ratio, at least 5)
                  --resolutions A-B:S    (default 24-32:4)
                  --seed N               (default 0)
                  --train-limit N        use a seeded random subset of N training images
                  --test-limit N         evaluate on the first N test images
                  --threads N            CPU threads of the native kernels
                  --backend B            reference|cpu|cuda|auto (default auto)""".formatted(FashionMnist.DEFAULT_DIRECTORY);
    }

    static int run(PrintStream out, String... args) {
        if (args.length == 0) {
            System.err.println(usage());
            return 2;
        }
        String what = args[0];
        Options o;
        try {
            o = Options.parse(List.of(args).subList(1, args.length));
        } catch (IllegalArgumentException e) {
            System.err.println("compofa train: " + e.getMessage() + "\n" + usage());
            return 2;
        }
        if (!List.of("teacher", "compound", "ofa-ps", "recipe").contains(what)) {
            System.err.println("compofa train: unknown phase '" + what + "'\n" + usage());
            return 2;
        }
        try (ComputeContext ctx = ComputeContext.select(o.get("backend", "auto"))) {
            if (o.has("threads")) {
                ctx.setThreads(o.integer("threads", 0));
            }
            TrainedRun run = TrainedRun.open(o, ctx, out);
            return execute(out, what, run.recipe(), run.settings(), ctx, o);
        } catch (IOException | RuntimeException e) {
            System.err.println("compofa train: " + e.getMessage());
            return 1;
        }
    }

    private static int execute(PrintStream out, String what, FashionRecipe recipe, FashionRecipe.Settings s,
                               ComputeContext ctx, Options o) throws IOException {
        Map<String, Object> summary = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        try (Network teacher = new Network(ctx, recipe.spec(), s.seed())) {
            if (what.equals("compound") || what.equals("ofa-ps")) {
                if (FashionRecipe.loadLatest(s.out().resolve("teacher").resolve("teacher"), "teacher", teacher)
                        .isEmpty()) {
                    System.err.println("compofa train compound: no teacher checkpoint in " + s.out().resolve("teacher")
                            + "; run `compofa train teacher` with the same --out first");
                    return 1;
                }
            } else {
                PhaseResult r = recipe.trainTeacher(teacher);
                summary.put("teacher_seconds", r.elapsedSeconds());
                Map<Integer, Double> acc = recipe.evaluateTeacher(teacher);
                out.println("teacher top-1 by resolution: " + acc);
                acc.forEach((res, a) -> summary.put("teacher_top1_r" + res, a));
                if (what.equals("teacher")) {
                    return writeSummary(out, s.out(), summary, t0);
                }
            }
            if (what.equals("ofa-ps")) {
                int epochs = o.integer("ofa-epochs", Math.max(5, (int) Math.round(s.compoundEpochs() * 425.0 / 150)));
                try (Network student = new Network(ctx, recipe.ofaSpec(), s.seed() + 1)) {
                    double seconds = 0;
                    for (PhaseResult r : recipe.trainOfaProgressiveShrinking(student, teacher, epochs)) {
                        seconds += r.elapsedSeconds();
                        summary.put(r.phase() + "_subnet_steps", r.subnetSteps());
                    }
                    summary.put("ofa_ps_seconds", seconds);
                    Map<String, Double> acc = recipe.evaluateExtremes(student, recipe.ofaSpace());
                    acc.forEach((id, a) -> out.printf("%-60s top-1 %.2f%%%n", id, a));
                    acc.forEach((id, a) -> summary.put("top1 " + id, a));
                }
                return writeSummary(out, s.out(), summary, t0);
            }
            try (Network student = new Network(ctx, recipe.spec(), s.seed() + 1)) {
                double seconds = 0;
                for (PhaseResult r : recipe.trainCompound(student, teacher)) {
                    seconds += r.elapsedSeconds();
                    summary.put(r.phase() + "_subnet_steps", r.subnetSteps());
                }
                summary.put("compound_seconds", seconds);
                Map<String, Double> acc = recipe.evaluateExtremes(student);
                acc.forEach((id, a) -> out.printf("%-60s top-1 %.2f%%%n", id, a));
                acc.forEach((id, a) -> summary.put("top1 " + id, a));
            }
        }
        return writeSummary(out, s.out(), summary, t0);
    }

    private static int writeSummary(PrintStream out, Path dir, Map<String, Object> summary, long t0)
            throws IOException {
        summary.put("command_seconds", (System.nanoTime() - t0) / 1e9);
        Files.createDirectories(dir);
        StringBuilder json = new StringBuilder("{\n");
        StringBuilder csv = new StringBuilder("key,value\n");
        int i = 0;
        for (var e : summary.entrySet()) {
            json.append("  \"").append(e.getKey()).append("\": ").append(e.getValue())
                    .append(++i < summary.size() ? ",\n" : "\n");
            csv.append(e.getKey()).append(',').append(e.getValue()).append('\n');
        }
        json.append("}\n");
        Files.writeString(dir.resolve("summary.json"), json);
        Files.writeString(dir.resolve("summary.csv"), csv);
        out.println("summary written to " + dir.resolve("summary.json"));
        return 0;
    }
}
