package org.compofa.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.compofa.latency.BlockLatencyTable;
import org.compofa.latency.BlockLatencyTableBuilder;
import org.compofa.latency.LatencyMeasurer;
import org.compofa.latency.LatencyModelError;
import org.compofa.latency.LatencyTable;
import org.compofa.latency.LatencyTableBuilder;
import org.compofa.latency.OnnxRuntimeLatency;
import org.compofa.latency.Platform;
import org.compofa.latency.SubnetTimer;
import org.compofa.nn.Network;
import org.compofa.runtime.ComputeContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code compofa latency}: the latency table of every subnet of the run's space (trained or imported)
 * at every given resolution on
 * this machine's backend and/or in ONNX Runtime on the CPU (the exported subnets, as deployed), one
 * table per engine and batch size, in {@code <run>/latency/<platform>.{csv,json}}; resumable through
 * {@code <platform>.partial.csv}. A rerun keeps the quiet entries of an existing table and measures the
 * noisy ones again (bounded; {@code <platform>.noise.txt} lists them); {@code --force} measures everything.
 */
@Command(name = "latency", description = "Latency table of every compound subnet on this machine (CSV + JSON; "
        + "resumable).")
final class LatencyCommand implements Callable<Integer> {
    /** Which engine runs the subnets. */
    enum Engine {
        COMPOFA, ORT, BOTH;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }

        List<Engine> each() {
            return this == BOTH ? List.of(COMPOFA, ORT) : List.of(this);
        }
    }

    @Spec
    private CommandSpec spec;

    @Option(names = "--run", paramLabel = "DIR", description = "trained or imported run")
    private Path runDir = Path.of("runs/fashion");

    @Option(names = "--batches", paramLabel = "L", split = ",", converter = Ranges.Positive.class,
            defaultValue = "1,64", description = "comma list of batch sizes, each >= 1")
    private List<Integer> batches;

    @Option(names = "--warmup", paramLabel = "N", converter = Ranges.NonNegative.class,
            description = "untimed runs per entry, >= 0")
    private int warmup = 3;

    @Option(names = "--repeats", paramLabel = "N", converter = Ranges.Positive.class,
            description = "timed runs per entry, >= 1")
    private int repeats = 10;

    @Mixin
    private EvaluateCommand.EvalResolutions evalResolutions;

    @Option(names = "--engine", paramLabel = "E", description = "compofa (our backend), ort (ONNX Runtime CPU, "
            + "tables ort-cpu-b<batch>) or both")
    private Engine engine = Engine.COMPOFA;

    @Option(names = "--lut", arity = "1", paramLabel = "yes|no", converter = Ranges.YesNo.class,
            defaultValue = "no", description = "also build OFA's "
            + "per-block lookup table on our engine and report its error against the measured table")
    private boolean lut;

    @Option(names = "--force", description = "measure again even where a table exists (discards each table's "
            + "partial file, so nothing is resumed)")
    private boolean force;

    @Mixin
    private SharedOptions.Recipe recipe;

    @Mixin
    private SharedOptions.Engine backend;

    @Override
    public Integer call() throws IOException {
        return OpenedRun.with(spec, runDir, recipe, backend, OpenedRun.DataNeed.NONE, (run, ctx, out) -> {
            List<Integer> resolutions = evalResolutions.resolve(spec, run);
            for (Engine e : engine.each()) {
                for (int b : batches) {
                    LatencyTable t = measure(run, ctx, e, b, warmup, repeats, resolutions, backend.threadsOrZero(),
                            force, out);
                    out.println("latency table " + t.platform().name() + ": " + t.entries().size() + " entries in "
                            + run.dir().resolve("latency"));
                    if (lut && e == Engine.COMPOFA) {
                        out.println(lookupTable(run, ctx, t, warmup, repeats, resolutions).summary());
                    }
                }
            }
            return 0;
        });
    }

    /** The table of one engine ({@code compofa} or {@code ort}) at one batch. */
    static LatencyTable measure(OpenedRun run, ComputeContext ctx, Engine engine, int batch, int warmup, int repeats,
                                List<Integer> resolutions, int threads, boolean force, PrintStream out)
            throws IOException {
        try (Network net = run.loadSupernet(ctx)) {
            if (engine == Engine.ORT) {
                try (OnnxRuntimeLatency t = new OnnxRuntimeLatency(net, batch, warmup, repeats, threads)) {
                    return build(run, t, OnnxRuntimeLatency.platform(batch, threads), resolutions, force, out);
                }
            }
            Platform p = new Platform(ctx.backend().name().toLowerCase(java.util.Locale.ROOT) + "-b" + batch,
                    ctx.backend() == org.compofa.runtime.Backend.CUDA ? ctx.describe() : Platform.cpuModel(),
                    "compofa " + ctx.backend() + " backend, JDK " + Runtime.version() + ", OPENBLAS_NUM_THREADS="
                            + System.getenv().getOrDefault("OPENBLAS_NUM_THREADS", "unset"), batch, threads);
            try (LatencyMeasurer m = new LatencyMeasurer(net, batch, warmup, repeats)) {
                return build(run, m, p, resolutions, force, out);
            }
        }
    }

    /**
     * OFA's per-block lookup table on the same platform, written next to the measured table as
     * {@code blocks/<platform>.csv} (a sub-folder: the search reads every table in the folder), with its
     * error against the measured table in {@code blocks/<platform>-error.txt}.
     */
    static LatencyModelError lookupTable(OpenedRun run, ComputeContext ctx, LatencyTable measured, int warmup,
                                         int repeats, List<Integer> resolutions) throws IOException {
        Path dir = run.dir().resolve("latency").resolve("blocks");
        Files.createDirectories(dir);
        try (Network net = run.loadSupernet(ctx)) {
            BlockLatencyTable lut = BlockLatencyTableBuilder.build(net, run.space(), resolutions,
                    measured.platform(), warmup, repeats);
            lut.write(dir.resolve(measured.platform().name() + ".csv"));
            LatencyModelError e = LatencyModelError.of(measured, lut);
            org.compofa.report.AtomicFiles.write(dir.resolve(measured.platform().name() + "-error.txt"),
                    e.summary() + "\n");
            return e;
        }
    }

    private static LatencyTable build(OpenedRun run, SubnetTimer timer, Platform p, List<Integer> resolutions,
                                      boolean force, PrintStream out) throws IOException {
        Path dir = run.dir().resolve("latency");
        // Quiet entries of an existing table are kept, noisy ones re-measured (bounded); --force measures all.
        LatencyTable t = LatencyTableBuilder.buildFiles(timer, run.space(), resolutions, p,
                dir.resolve(p.name()), LatencyTableBuilder.Settings.DEFAULT.withForce(force), out).table();
        return t;
    }
}
