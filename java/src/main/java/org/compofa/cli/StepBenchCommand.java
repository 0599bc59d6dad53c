package org.compofa.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.compofa.report.AtomicFiles;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.GemmLibrary;
import org.compofa.runtime.Precision;
import org.compofa.train.StepThroughput;

/**
 * {@code compofa step-bench}: images/s of one compound training step (teacher forward + 4 subnets
 * forward/backward + SGD) on this machine's backend, synthetic data, for each resolution and batch
 * asked, with the memory it holds (activations at their peak; weights, gradients, momentum); a table
 * on stdout and optionally a CSV. The GPU side of issue #6's comparison with the same
 * step in PyTorch ({@code ci/device/compound_step_torch.py} draws the same subnets).
 */
final class StepBenchCommand {
    private StepBenchCommand() {}

    static final String USAGE = """
            usage: compofa step-bench [options]
              --backend B        auto (default), cpu or cuda
              --net N            imagenet (w1.0, RGB, 1000 classes; default) or fashion (w0.5 small input)
              --resolutions L    comma-separated, each 16..512 (default 128,160,192,224)
              --batches L        comma-separated, each 1..4096 (default 64)
              --warmup N         untimed steps first (default 2)
              --steps N          timed steps (default 5); the median is reported
              --precision P      GEMM arithmetic: fp32 (default), tf32 or bf16 (CUDA tensor cores;
                                 the CPU computes fp32 whatever is asked)
              --gemm L           ours (default) or cublas: the library of the plain GEMMs (CUDA,
                                 cuBLAS loaded at run time)
              --csv FILE         also write the rows as CSV""";

    static int run(PrintStream out, String[] args) {
        Options o;
        StepThroughput.Net net;
        int[] resolutions;
        int[] batches;
        int warmup;
        int steps;
        Precision precision;
        GemmLibrary gemm;
        try {
            if (Arrays.asList(args).contains("--help")) {
                out.println(USAGE);
                return 0;
            }
            o = Options.parse(List.of(args));
            net = StepThroughput.Net.parse(o.get("net", "imagenet"));
            resolutions = integers(o.get("resolutions", "128,160,192,224"), "resolutions");
            batches = integers(o.get("batches", "64"), "batches");
            warmup = o.integer("warmup", 2);
            steps = o.integer("steps", 5);
            precision = Precision.parse(o.get("precision", "fp32"));
            gemm = GemmLibrary.parse(o.get("gemm", "ours"));
            for (int r : resolutions) {
                for (int n : batches) {
                    StepThroughput.checkCase(r, n, warmup, steps);
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println("step-bench: " + e.getMessage() + "\n" + USAGE);
            return 2;
        }
        List<String> csv = new ArrayList<>();
        csv.add("backend,device,precision,net,resolution,batch,steps,ms_per_step,ms_min,ms_max,images_per_s,activation_mib,"
                + "state_mib,subnets");
        try (ComputeContext ctx = ComputeContext.select(o.get("backend", "auto"))) {
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
        } catch (RuntimeException e) {
            System.err.println("step-bench: " + e.getMessage());
            return 1;
        }
        if (o.has("csv")) {
            try {
                AtomicFiles.write(Path.of(o.get("csv", "")), String.join("\n", csv) + "\n");
            } catch (IOException e) {
                System.err.println("step-bench: cannot write " + o.get("csv", "") + ": " + e.getMessage());
                return 1;
            }
        }
        return 0;
    }

    private static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, "%.3f", v);
    }

    private static int[] integers(String list, String option) {
        try {
            return Arrays.stream(list.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + option + " '" + list + "': expected comma-separated integers");
        }
    }
}
