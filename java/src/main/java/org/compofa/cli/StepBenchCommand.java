package org.compofa.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.compofa.report.AtomicFiles;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.GemmLibrary;
import org.compofa.runtime.Precision;
import org.compofa.train.StepThroughput;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code compofa step-bench}: images/s of one compound training step (teacher forward + 4 subnets
 * forward/backward + SGD) on this machine's backend, synthetic data, for each resolution and batch
 * asked, with the memory it holds (activations at their peak; weights, gradients, momentum); a table
 * on stdout and optionally a CSV. The GPU side of issue #6's comparison with the same
 * step in PyTorch ({@code ci/device/compound_step_torch.py} draws the same subnets).
 */
@Command(name = "step-bench", description = "Images/s of one compound training step on this machine (synthetic "
        + "data).")
final class StepBenchCommand implements Callable<Integer> {
    /** Parses {@code --net}. */
    static final class NetName implements ITypeConverter<StepThroughput.Net> {
        @Override
        public StepThroughput.Net convert(String s) {
            return Ranges.parsed(s, StepThroughput.Net::parse);
        }
    }

    /** Parses {@code --precision}. */
    static final class PrecisionName implements ITypeConverter<Precision> {
        @Override
        public Precision convert(String s) {
            return Ranges.parsed(s, Precision::parse);
        }
    }

    /** Parses {@code --gemm}. */
    static final class GemmName implements ITypeConverter<GemmLibrary> {
        @Override
        public GemmLibrary convert(String s) {
            return Ranges.parsed(s, GemmLibrary::parse);
        }
    }

    @Spec
    private CommandSpec spec;

    @Option(names = "--backend", paramLabel = "B", converter = Ranges.BackendName.class,
            description = "reference, cpu, cuda or auto (CUDA when available, else CPU)")
    private String backend = "auto";

    @Option(names = "--net", paramLabel = "N", converter = NetName.class, defaultValue = "imagenet",
            description = "imagenet (w1.0, RGB, 1000 classes) or fashion (w0.5 small input)")
    private StepThroughput.Net net;

    @Option(names = "--resolutions", paramLabel = "L", split = ",", converter = Ranges.Positive.class,
            defaultValue = "128,160,192,224", description = "comma list of resolutions, each >= 1 and within 16..512")
    private List<Integer> resolutions;

    @Option(names = "--batches", paramLabel = "L", split = ",", converter = Ranges.Positive.class,
            defaultValue = "64", description = "comma list of batch sizes, each >= 1 and within 1..4096")
    private List<Integer> batches;

    @Option(names = "--warmup", paramLabel = "N", converter = Ranges.NonNegative.class,
            description = "untimed steps first, >= 0")
    private int warmup = 2;

    @Option(names = "--steps", paramLabel = "N", converter = Ranges.Positive.class,
            description = "timed steps, >= 1; the median is reported")
    private int steps = 5;

    @Option(names = "--precision", paramLabel = "P", converter = PrecisionName.class, defaultValue = "fp32",
            description = "GEMM arithmetic: "
            + "fp32, tf32 or bf16 (CUDA tensor cores; the CPU computes fp32 whatever is asked)")
    private Precision precision;

    @Option(names = "--gemm", paramLabel = "L", converter = GemmName.class, defaultValue = "ours", description = "ours or cublas: the "
            + "library of the plain GEMMs (CUDA, cuBLAS loaded at run time)")
    private GemmLibrary gemm;

    @Option(names = "--csv", paramLabel = "FILE", description = "also write the rows as CSV")
    private Path csvFile;

    @Override
    public Integer call() throws IOException {
        checkCases();
        PrintStream out = Main.out(spec);
        List<String> csv = new ArrayList<>();
        csv.add("backend,device,precision,net,resolution,batch,steps,ms_per_step,ms_min,ms_max,images_per_s,activation_mib,"
                + "state_mib,subnets");
        try (ComputeContext ctx = ComputeContext.select(backend)) {
            ctx.setPrecision(precision);
            ctx.setGemmLibrary(gemm);
            out.println("compound step on " + ctx.describe() + ", GEMM precision " + precision + ", " + gemm + " (teacher forward + "
                    + StepThroughput.SUBNETS + " subnets forward/backward + SGD, synthetic data)");
            out.printf("%-9s %5s %6s %11s %11s %11s %10s %10s %9s%n", "net", "res", "batch", "ms/step", "min ms",
                    "max ms", "images/s", "act. MiB", "state MiB");
            for (int r : resolutions) {
                for (int n : batches) {
                    StepThroughput.Result res = StepThroughput.measure(ctx, net, r, n, warmup, steps);
                    out.printf("%-9s %5d %6d %11.1f %11.1f %11.1f %10.1f %10.0f %9.0f%n", net.name().toLowerCase(), r,
                            n, res.msPerStep(), res.msMin(), res.msMax(), res.imagesPerSecond(), res.activationMib(),
                            res.stateMib());
                    csv.add(String.join(",", ctx.backend().name(), '"' + ctx.describe().replace('"', '\'') + '"',
                            precision.name().toLowerCase(),
                            net.name().toLowerCase(), Integer.toString(r), Integer.toString(n),
                            Integer.toString(res.steps()), fmt(res.msPerStep()), fmt(res.msMin()), fmt(res.msMax()),
                            fmt(res.imagesPerSecond()), fmt(res.activationMib()), fmt(res.stateMib()),
                            String.join(" ", res.subnetIds())));
                }
            }
        }
        if (csvFile != null) {
            AtomicFiles.write(csvFile, String.join("\n", csv) + "\n");
        }
        return 0;
    }

    /** Each value against StepThroughput's own limits, before anything is opened; errors name the option. */
    private void checkCases() {
        // Resolutions first with batch 1 (always allowed), then the batches at a resolution now known good.
        check("--resolutions", () -> resolutions.forEach(r -> StepThroughput.checkCase(r, 1, warmup, steps)));
        int r0 = resolutions.getFirst();
        check("--batches", () -> batches.forEach(n -> StepThroughput.checkCase(r0, n, warmup, steps)));
    }

    private void check(String option, Runnable check) {
        try {
            check.run();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), option + ": " + e.getMessage());
        }
    }

    private static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, "%.3f", v);
    }
}
