package org.compofa.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.compofa.compare.ComparisonSettings;
import org.compofa.nn.Network;
import org.compofa.report.JsonText;
import org.compofa.runtime.Communicator;
import org.compofa.runtime.ComputeContext;
import org.compofa.train.FashionRecipe;
import org.compofa.train.PhaseResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code compofa train teacher|compound|ofa-ps|recipe}: trains on Fashion-MNIST (or IDX files or an
 * ImageNet-style image folder in {@code --data}; {@code --preset imagenet} for the reference's ImageNet
 * schedule), resuming any run found in {@code --out}. {@code recipe} = teacher, compound,
 * then the BN-recalibrated accuracy of the largest and smallest compound subnets, written to
 * {@code summary.json} (numbers as JSON numbers, a NaN as null) and {@code summary.csv} in the run
 * directory.
 */
@Command(name = "train", description = {"Train on Fashion-MNIST or your own images (resumable: rerunning a command continues it).",
    "--data DIR/train/<class>/*, DIR/val/<class>/*: your images; --preset imagenet: the reference's ImageNet "
        + "schedule, meant for a GPU (batch 256, 180 + 150 epochs at 128-224 px)."})
final class TrainCommand implements Callable<Integer> {
    /** What to train. */
    enum Phase {
        TEACHER("teacher"), COMPOUND("compound"), OFA_PS("ofa-ps"), RECIPE("recipe");

        final String label;

        Phase(String label) {
            this.label = label;
        }

        /** Converts a phase name on the command line. */
        static final class Converter implements ITypeConverter<Phase> {
            @Override
            public Phase convert(String s) {
                for (Phase p : values()) {
                    if (p.label.equals(s)) {
                        return p;
                    }
                }
                throw new TypeConversionException("'" + s + "': allowed teacher, compound, ofa-ps, recipe");
            }
        }
    }

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PHASE", converter = Phase.Converter.class, description = {
        "teacher: the teacher alone; compound: CompOFA from the teacher of the same --out;",
        "ofa-ps: OFA progressive shrinking from that teacher; recipe: teacher, then compound, then accuracy"})
    private Phase phase;

    @Option(names = {"--out", "--run"}, paramLabel = "DIR", description = "run directory, resumed when it exists")
    private Path runDir = Path.of("runs/fashion");

    @Mixin
    private SharedOptions.Recipe recipeOptions;

    @Mixin
    private SharedOptions.Epochs epochs;

    @Option(names = "--ofa-epochs", paramLabel = "N", converter = Ranges.AtLeastFive.class, description =
            "OFA's five shrinking phases together, >= 5 (default: compound x 425/150, the reference's ratio)")
    private Integer ofaEpochs;

    @Mixin
    private SharedOptions.Engine engine;

    @Option(names = "--sync-bn", description = "under mpirun/srun: BN statistics of the global batch (all ranks)"
            + " instead of each rank's shard (the reference's default)")
    private boolean synchronizedBatchNorm;

    private int rank; // of the data-parallel job; only rank 0 writes the summary

    @Override
    public Integer call() throws IOException {
        return TrainedRun.forTraining(spec, runDir, recipeOptions, epochs, engine,
                (run, ctx, text) -> {
                    // One process per rank under mpirun/srun (else this process alone): every rank trains its
                    // shard of each batch, rank 0 writes checkpoints, logs and the summary.
                    try (Communicator comm = Communicator.world(ctx)) {
                        rank = comm.rank();
                        if (comm.size() > 1 && rank == 0) {
                            text.println("compofa: data-parallel training on " + comm.size() + " ranks (" + comm
                                    .transport() + ", " + ctx.backend() + (synchronizedBatchNorm ? ", synchronised BN"
                                    : "") + "); rank 0 writes checkpoints and logs");
                        }
                        return execute(text, run.recipe().withCommunicator(comm)
                                .withSynchronizedBatchNorm(synchronizedBatchNorm), run.settings(), ctx);
                    }
                });
    }

    private int execute(PrintStream out, FashionRecipe recipe, FashionRecipe.Settings s, ComputeContext ctx)
            throws IOException {
        Map<String, Object> summary = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        try (Network teacher = new Network(ctx, recipe.spec(), s.seed())) {
            if (phase == Phase.COMPOUND || phase == Phase.OFA_PS) {
                if (FashionRecipe.loadLatest(s.out().resolve("teacher").resolve("teacher"), "teacher", teacher)
                        .isEmpty()) {
                    throw new CommandFailedException("no teacher checkpoint in " + s.out().resolve("teacher")
                            + "; run `compofa train teacher` with the same --out first");
                }
            } else {
                PhaseResult r = recipe.trainTeacher(teacher);
                summary.put("teacher_seconds", r.elapsedSeconds());
                Map<Integer, Double> acc = recipe.evaluateTeacher(teacher);
                out.println("teacher top-1 by resolution: " + acc);
                acc.forEach((res, a) -> summary.put("teacher_top1_r" + res, a));
                if (phase == Phase.TEACHER) {
                    return writeSummary(out, s.out(), summary, t0);
                }
            }
            if (phase == Phase.OFA_PS) {
                int ofa = ofaEpochs != null ? ofaEpochs : ComparisonSettings.defaultOfaEpochs(s.compoundEpochs());
                try (Network student = new Network(ctx, recipe.ofaSpec(), s.seed() + 1)) {
                    double seconds = 0;
                    for (PhaseResult r : recipe.trainOfaProgressiveShrinking(student, teacher, ofa)) {
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

    /** Writes the summary files on rank 0 (the only writer of a data-parallel job). */
    int writeSummary(PrintStream out, Path dir, Map<String, Object> summary, long t0) throws IOException {
        return rank == 0 ? writeSummaryFiles(out, dir, summary, t0) : 0;
    }

    /** Writes summary.json and summary.csv into {@code dir} (package-private for the JSON test). */
    static int writeSummaryFiles(PrintStream out, Path dir, Map<String, Object> summary, long t0)
            throws IOException {
        summary.put("command_seconds", (System.nanoTime() - t0) / 1e9);
        Files.createDirectories(dir);
        StringBuilder csv = new StringBuilder("key,value\n");
        summary.forEach((k, v) -> csv.append(k).append(',').append(v).append('\n'));
        Files.writeString(dir.resolve("summary.json"), JsonText.pretty(summary));
        Files.writeString(dir.resolve("summary.csv"), csv);
        out.println("summary written to " + dir.resolve("summary.json"));
        return 0;
    }
}
