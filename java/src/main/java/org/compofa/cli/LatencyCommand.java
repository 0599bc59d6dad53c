package org.compofa.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.compofa.export.OnnxRuntime;
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

    /** Whether and how OFA's per-block lookup table is built. */
    enum Lut {
        NO, YES, ONLY;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    @Option(names = "--lut", paramLabel = "no|yes|only", converter = LutConverter.class, defaultValue = "no",
            description = "yes: also build OFA's per-block lookup table on our engine and report its error against "
                    + "the measured table; only: build just the lookup table (latency/blocks/), for a space too "
                    + "large to time subnet by subnet (OFA's full space): search then evolves with it")
    private Lut lut;

    /** Parses {@code --lut}. */
    static final class LutConverter implements picocli.CommandLine.ITypeConverter<Lut> {
        @Override
        public Lut convert(String value) {
            for (Lut l : Lut.values()) {
                if (l.toString().equals(value)) {
                    return l;
                }
            }
            throw new picocli.CommandLine.TypeConversionException("'" + value + "': allowed no, yes, only");
        }
    }

    @Option(names = "--force", description = "measure again even where a table exists (discards each table's "
            + "partial file, so nothing is resumed)")
    private boolean force;

    @Mixin
    private SharedOptions.Recipe recipe;

    @Mixin
    private SharedOptions.Engine backend;

    @Override
    public Integer call() throws IOException {
        if (engine != Engine.COMPOFA) {
            OnnxRuntime.require("compofa latency --engine " + engine);  // before any work: exit 1, what to add
        }
        return OpenedRun.with(spec, runDir, recipe, backend, OpenedRun.DataNeed.NONE, (run, ctx, out) -> {
            List<Integer> resolutions = evalResolutions.resolve(spec, run);
            if (lut == Lut.ONLY) {
                if (engine != Engine.COMPOFA) {
                    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--lut only: the lookup "
                            + "table is built on our engine; leave --engine out");
                }
                for (int b : batches) {
                    BlockLatencyTable t = lookupTableOnly(run, ctx, platform(ctx, b, backend.threadsOrZero()), warmup,
                            repeats, resolutions);
                    out.println("block latency table " + t.platform().name() + ": " + t.entries().size()
                            + " pieces in " + run.dir().resolve("latency").resolve("blocks"));
                }
                return 0;
            }
            for (Engine e : engine.each()) {
                for (int b : batches) {
                    LatencyTable t = measure(run, ctx, e, b, warmup, repeats, resolutions, backend.threadsOrZero(),
                            force, out);
                    out.println("latency table " + t.platform().name() + ": " + t.entries().size() + " entries in "
                            + run.dir().resolve("latency"));
                    if (lut == Lut.YES && e == Engine.COMPOFA) {
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
            Platform p = platform(ctx, batch, threads);
            try (LatencyMeasurer m = new LatencyMeasurer(net, batch, warmup, repeats)) {
                return build(run, m, p, resolutions, force, out);
            }
        }
    }

    /** Refuses, with the way out, a space too large to time subnet by subnet. */
    private static void requireTabulable(OpenedRun run, List<Integer> resolutions) {
        java.math.BigInteger n = run.space().sizePerResolution().multiply(java.math.BigInteger.valueOf(
                resolutions.size()));
        if (n.compareTo(java.math.BigInteger.valueOf(org.compofa.space.SearchSpace.ENUMERATION_LIMIT)) > 0) {
            throw new CommandFailedException(run.space().id() + " holds " + String.format(Locale.ROOT, "%.3g",
                    n.doubleValue()) + " subnets at these resolutions, too many to time one by one: build OFA's "
                    + "per-block table instead (compofa latency --run " + run.dir() + " --lut only)");
        }
    }

    /** Our engine on this machine at {@code batch}. */
    static Platform platform(ComputeContext ctx, int batch, int threads) {
        return new Platform(ctx.backend().name().toLowerCase(java.util.Locale.ROOT) + "-b" + batch,
                ctx.backend() == org.compofa.runtime.Backend.CUDA ? ctx.describe() : Platform.cpuModel(),
                "compofa " + ctx.backend() + " backend, JDK " + Runtime.version() + ", OPENBLAS_NUM_THREADS="
                        + System.getenv().getOrDefault("OPENBLAS_NUM_THREADS", "unset"), batch, threads);
    }

    /** OFA's per-block lookup table alone, in {@code latency/blocks/<platform>.csv}. */
    static BlockLatencyTable lookupTableOnly(OpenedRun run, ComputeContext ctx, Platform p, int warmup, int repeats,
                                             List<Integer> resolutions) throws IOException {
        Path dir = run.dir().resolve("latency").resolve("blocks");
        Files.createDirectories(dir);
        try (Network net = run.loadSupernet(ctx)) {
            BlockLatencyTable lut = BlockLatencyTableBuilder.build(net, run.space(), resolutions, p, warmup, repeats);
            lut.write(dir.resolve(p.name() + ".csv"));
            return lut;
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
        requireTabulable(run, resolutions);
        // Quiet entries of an existing table are kept, noisy ones re-measured (bounded); --force measures all.
        LatencyTable t = LatencyTableBuilder.buildFiles(timer, run.space(), resolutions, p,
                dir.resolve(p.name()), LatencyTableBuilder.Settings.DEFAULT.withForce(force), out).table();
        return t;
    }
}
