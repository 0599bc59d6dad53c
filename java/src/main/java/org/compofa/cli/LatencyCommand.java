package org.compofa.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
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

/**
 * {@code compofa latency}: the latency table of every CompOFA subnet at every given resolution on
 * this machine's backend and/or in ONNX Runtime on the CPU (the exported subnets, as deployed), one
 * table per engine and batch size, in {@code <run>/latency/<platform>.{csv,json}}; resumable through
 * {@code <platform>.partial.csv}.
 */
final class LatencyCommand {
    private LatencyCommand() {}

    static String usage() {
        return """
                usage: compofa latency [options]
                  --run DIR              trained run (default runs/fashion)
                  --batches L            comma list of batch sizes (default 1,64)
                  --warmup N --repeats N untimed and timed runs per entry (default 3, 10)
                  --eval-resolutions L   comma list (default: the run's resolutions)
                  --engine E             compofa (our backend), ort (ONNX Runtime CPU, tables
                                         ort-cpu-b<batch>) or both (default compofa)
                  --threads N            CPU threads (ours; ONNX Runtime intra-op threads)
                  --lut yes|no           also build OFA's per-block lookup table on our engine and
                                         report its error against the measured table (default no)
                  --width/--resolutions/--seed/--data   as for train""";
    }

    static int run(PrintStream out, String... args) {
        Options o;
        List<String> engines;
        try {
            o = Options.parse(List.of(args));
            engines = engines(o.get("engine", "compofa"));
        } catch (IllegalArgumentException e) {
            System.err.println("compofa latency: " + e.getMessage() + "\n" + usage());
            return 2;
        }
        try (ComputeContext ctx = ComputeContext.select(o.get("backend", "auto"))) {
            if (o.has("threads")) {
                ctx.setThreads(o.integer("threads", 0));
            }
            TrainedRun run = TrainedRun.open(o, ctx, out);
            List<Integer> batches = Arrays.stream(o.get("batches", "1,64").split(",")).map(String::trim)
                    .map(Integer::valueOf).toList();
            for (String engine : engines) {
                for (int b : batches) {
                    LatencyTable t = measure(run, ctx, engine, b, o.integer("warmup", 3), o.integer("repeats", 10),
                            EvaluateCommand.resolutions(o, run), o.integer("threads", 0), out);
                    out.println("latency table " + t.platform().name() + ": " + t.entries().size() + " entries in "
                            + run.settings().out().resolve("latency"));
                    if (o.get("lut", "no").equals("yes") && engine.equals("compofa")) {
                        out.println(lookupTable(run, ctx, t, o.integer("warmup", 3), o.integer("repeats", 10),
                                EvaluateCommand.resolutions(o, run)).summary());
                    }
                }
            }
            return 0;
        } catch (IOException | RuntimeException e) {
            System.err.println("compofa latency: " + e.getMessage());
            return 1;
        }
    }

    static List<String> engines(String engine) {
        return switch (engine) {
            case "compofa", "ort" -> List.of(engine);
            case "both" -> List.of("compofa", "ort");
            default -> throw new IllegalArgumentException("--engine " + engine + ": allowed compofa, ort, both");
        };
    }

    /** The table of one engine ({@code compofa} or {@code ort}) at one batch. */
    static LatencyTable measure(TrainedRun run, ComputeContext ctx, String engine, int batch, int warmup, int repeats,
                                List<Integer> resolutions, int threads, PrintStream out) throws IOException {
        try (Network net = run.loadCompound(ctx)) {
            if (engine.equals("ort")) {
                try (OnnxRuntimeLatency t = new OnnxRuntimeLatency(net, batch, warmup, repeats, threads)) {
                    return build(run, t, OnnxRuntimeLatency.platform(batch, threads), resolutions, out);
                }
            }
            Platform p = new Platform(ctx.backend().name().toLowerCase(java.util.Locale.ROOT) + "-b" + batch,
                    ctx.backend() == org.compofa.runtime.Backend.CUDA ? ctx.describe() : Platform.cpuModel(),
                    "compofa " + ctx.backend() + " backend, JDK " + Runtime.version() + ", OPENBLAS_NUM_THREADS="
                            + System.getenv().getOrDefault("OPENBLAS_NUM_THREADS", "unset"), batch, threads);
            try (LatencyMeasurer m = new LatencyMeasurer(net, batch, warmup, repeats)) {
                return build(run, m, p, resolutions, out);
            }
        }
    }

    /**
     * OFA's per-block lookup table on the same platform, written next to the measured table as
     * {@code blocks/<platform>.csv} (a sub-folder: the search reads every table in the folder), with its
     * error against the measured table in {@code blocks/<platform>-error.txt}.
     */
    static LatencyModelError lookupTable(TrainedRun run, ComputeContext ctx, LatencyTable measured, int warmup,
                                         int repeats, List<Integer> resolutions) throws IOException {
        Path dir = run.settings().out().resolve("latency").resolve("blocks");
        java.nio.file.Files.createDirectories(dir);
        try (Network net = run.loadCompound(ctx)) {
            BlockLatencyTable lut = BlockLatencyTableBuilder.build(net, run.recipe().space(), resolutions,
                    measured.platform(), warmup, repeats);
            lut.write(dir.resolve(measured.platform().name() + ".csv"));
            LatencyModelError e = LatencyModelError.of(measured, lut);
            org.compofa.report.AtomicFiles.write(dir.resolve(measured.platform().name() + "-error.txt"),
                    e.summary() + "\n");
            return e;
        }
    }

    private static LatencyTable build(TrainedRun run, SubnetTimer timer, Platform p, List<Integer> resolutions,
                                      PrintStream out) throws IOException {
        Path dir = run.settings().out().resolve("latency");
        LatencyTable t = LatencyTableBuilder.build(timer, run.recipe().space(), resolutions, p,
                dir.resolve(p.name() + ".partial.csv"), out);
        t.write(dir.resolve(p.name()));
        return t;
    }
}
