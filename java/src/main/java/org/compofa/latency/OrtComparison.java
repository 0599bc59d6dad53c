package org.compofa.latency;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import org.compofa.nn.Mode;
import org.compofa.nn.Network;
import org.compofa.nn.NetworkSpec;
import org.compofa.ops.KernelTransform;
import org.compofa.report.AtomicFiles;
import org.compofa.runtime.Backend;
import org.compofa.runtime.ComputeContext;
import org.compofa.space.MobileNetV3Geometry;
import org.compofa.space.ResolutionSet;
import org.compofa.space.SearchSpace;
import org.compofa.space.SearchSpaces;
import org.compofa.space.Subnet;

/**
 * Our CPU inference latency beside ONNX Runtime's on the same exported subnets, in one JVM: for each
 * subnet and batch the two engines are timed alternately in {@code rounds} rounds (ABBA order, so a
 * slow drift of the machine hits both), each round with its own warm-up, which also absorbs the other
 * engine's spinning worker threads. A row reports each engine's median of round medians.
 *
 * <p>Run from the built jars (see {@code ci/compofa.sh} for the class path), e.g.
 * {@code java --enable-native-access=ALL-UNNAMED -cp "$CP" org.compofa.latency.OrtComparison
 * benchmarks/results/ort-comparison.csv}; {@code --help} lists the options. The network is a fresh
 * seeded supernet of the Fashion-MNIST recipe's geometry (28 px, 1 channel, 10 classes, width 0.5):
 * latency does not depend on trained weights.
 */
public final class OrtComparison {
    /** The acceptance bar of issue #4: ours within this factor of ONNX Runtime. */
    public static final double BAR = 1.5;

    private OrtComparison() {
    }

    /**
     * How to compare.
     *
     * @param warmup  untimed runs per engine per round, >= 0
     * @param repeats timed runs per engine per round, >= 1
     * @param rounds  alternations per subnet and batch, >= 1
     * @param threads CPU threads of both engines, >= 1 (the same for a fair comparison)
     * @param fused   whether our engine runs the fused inference ops ({@link Mode#EVAL}) or the
     *                separate ones ({@link Mode#EVAL_UNFUSED})
     */
    public record Settings(int warmup, int repeats, int rounds, int threads, boolean fused) {
        /** Checks the counts. */
        public Settings {
            if (warmup < 0 || repeats < 1 || rounds < 1 || threads < 1) {
                throw new IllegalArgumentException("warm-up " + warmup + " >= 0, repeats " + repeats + " >= 1, rounds "
                        + rounds + " >= 1 and threads " + threads + " >= 1 needed");
            }
        }

        /**
         * Settings with our fused inference ops.
         *
         * @param warmup untimed runs per engine per round, at least 0
         * @param repeats timed runs per engine per round, at least 1
         * @param rounds alternations per subnet and batch, at least 1
         * @param threads CPU threads of both engines, at least 1
         */
        public Settings(int warmup, int repeats, int rounds, int threads) {
            this(warmup, repeats, rounds, threads, true);
        }
    }

    /**
     * One subnet at one batch.
     *
     * @param subnet the subnet (with its resolution)
     * @param batch  images per run
     * @param ours   our backend's stats, one per round
     * @param ort    ONNX Runtime's stats, one per round
     */
    public record Row(Subnet subnet, int batch, List<LatencyStats> ours, List<LatencyStats> ort) {
        /** Copies the lists. */
        public Row {
            Objects.requireNonNull(subnet, "subnet");
            ours = List.copyOf(ours);
            ort = List.copyOf(ort);
            if (ours.isEmpty() || ort.isEmpty()) {
                throw new IllegalArgumentException("a row needs at least one round of each engine");
            }
        }

        /**
         * Our median of round medians.
         *
         * @return our time in milliseconds
         */
        public double oursMs() {
            return medianOfMedians(ours);
        }

        /**
         * ONNX Runtime's median of round medians.
         *
         * @return ONNX Runtime's time in milliseconds
         */
        public double ortMs() {
            return medianOfMedians(ort);
        }

        /**
         * Ours / ONNX Runtime's: below 1 means we are faster.
         *
         * @return our time over ONNX Runtime's
         */
        public double ratio() {
            return oursMs() / ortMs();
        }

        private static double medianOfMedians(List<LatencyStats> rounds) {
            return LatencyStats.quantile(rounds.stream().mapToDouble(LatencyStats::medianMs).sorted().toArray(), 0.5);
        }

        private static double worstSpread(List<LatencyStats> rounds) {
            return rounds.stream().mapToDouble(LatencyStats::spreadPercent).max().orElseThrow();
        }
    }

    /**
     * The largest, the smallest and {@code random} seeded random subnets of {@code space} at {@code resolution}.
     *
     * @param space the search space
     * @param resolution image side in pixels
     * @param random number of random subnets
     * @param seed seed of the random subnets
     * @return largest, smallest, then the random subnets
     */
    public static List<Subnet> subnets(SearchSpace space, int resolution, int random, long seed) {
        List<Subnet> all = new ArrayList<>(List.of(space.largest(resolution), space.smallest(resolution)));
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < random; i++) {
            all.add(space.sample(rnd, resolution));
        }
        return all;
    }

    /**
     * Times every subnet at every batch on our backend (the network's context) and in ONNX Runtime,
     * alternating, after one untimed pass over all of them (JIT and memory pools warm). The caller
     * sets the context's threads.
     *
     * @param net the network, on our backend
     * @param subnets subnets to time
     * @param batches batch sizes to time
     * @param s runs, rounds and threads
     * @return one row per subnet and batch
     */
    public static List<Row> compare(Network net, List<Subnet> subnets, List<Integer> batches, Settings s) {
        List<LatencyMeasurer> ours = new ArrayList<>();
        List<OnnxRuntimeLatency> ort = new ArrayList<>();
        try {
            for (int b : batches) {
                ours.add(new LatencyMeasurer(net, b, s.warmup(), s.repeats(), s.fused() ? Mode.EVAL : Mode.EVAL_UNFUSED));
                ort.add(new OnnxRuntimeLatency(net, b, s.warmup(), s.repeats(), s.threads()));
            }
            // One untimed pass over everything first: otherwise the first subnet's rounds also time the
            // JIT compiling our Java layers and the workspace pool growing (seen: 3.6x at batch 1).
            for (Subnet subnet : subnets) {
                for (int i = 0; i < batches.size(); i++) {
                    ours.get(i).measure(subnet);
                    ort.get(i).measure(subnet);
                }
            }
            List<Row> rows = new ArrayList<>();
            for (Subnet subnet : subnets) {
                for (int i = 0; i < batches.size(); i++) {
                    List<LatencyStats> a = new ArrayList<>();
                    List<LatencyStats> o = new ArrayList<>();
                    for (int round = 0; round < s.rounds(); round++) {
                        if (round % 2 == 0) {
                            a.add(ours.get(i).measure(subnet));
                            o.add(ort.get(i).measure(subnet));
                        } else {
                            o.add(ort.get(i).measure(subnet));
                            a.add(ours.get(i).measure(subnet));
                        }
                    }
                    rows.add(new Row(subnet, batches.get(i), a, o));
                }
            }
            return rows;
        } finally {
            ours.forEach(LatencyMeasurer::close);
            ort.forEach(OnnxRuntimeLatency::close);
        }
    }

    /**
     * The rows as an aligned text table with, per batch, the worst ratio against {@link #BAR}.
     *
     * @param rows the measured rows
     * @return the table text
     */
    public static String table(List<Row> rows) {
        int w = Math.max(6, rows.stream().mapToInt(r -> r.subnet().id().length()).max().orElse(0));
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-" + w + "s %5s %12s %12s %7s %9s %9s%n",
                "subnet", "batch", "ours ms", "ORT ms", "ratio", "ours sp%", "ORT sp%"));
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "%-" + w + "s %5d %12.3f %12.3f %7.2f %9.1f %9.1f%n", r.subnet().id(),
                    r.batch(), r.oursMs(), r.ortMs(), r.ratio(), Row.worstSpread(r.ours()), Row.worstSpread(r.ort())));
        }
        Map<Integer, Double> worst = new LinkedHashMap<>();
        rows.forEach(r -> worst.merge(r.batch(), r.ratio(), Math::max));
        worst.forEach((b, ratio) -> sb.append(String.format(Locale.ROOT, "batch %d: worst ratio %.2f, bar %.1f: %s%n",
                b, ratio, BAR, ratio <= BAR ? "met" : "NOT met")));
        return sb.toString();
    }

    /**
     * The rows as CSV, after {@code # key=value} lines holding {@code meta} (machine, versions, settings).
     *
     * @param rows the measured rows
     * @param meta key/value lines written first
     * @return the CSV text
     */
    public static String csv(List<Row> rows, Map<String, String> meta) {
        StringBuilder sb = new StringBuilder("# compofa vs ONNX Runtime latency v1\n");
        meta.forEach((k, v) -> sb.append("# ").append(k).append('=').append(v.replace('\n', ' ')).append('\n'));
        sb.append("subnet,resolution,batch,ours_median_ms,ort_median_ms,ratio,ours_spread_pct,ort_spread_pct\n");
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "%s,%d,%d,%.4f,%.4f,%.4f,%.2f,%.2f%n", r.subnet().id(),
                    r.subnet().resolution(), r.batch(), r.oursMs(), r.ortMs(), r.ratio(), Row.worstSpread(r.ours()),
                    Row.worstSpread(r.ort())));
        }
        return sb.toString();
    }

    private static boolean yesNo(String v) {
        return switch (v) {
            case "yes" -> true;
            case "no" -> false;
            default -> throw new IllegalArgumentException("--fused " + v + ": allowed yes or no");
        };
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    static String usage() {
        return """
                usage: OrtComparison OUT.csv [options]
                  --batches L      comma list of batch sizes (default 1,64)
                  --resolution N   image size (default 28)
                  --width W        supernet width multiplier (default 0.5)
                  --random N       random CompOFA subnets beside the largest and smallest (default 3)
                  --warmup N --repeats N --rounds N   per engine per round (default 5, 20, 2)
                  --threads N      CPU threads of both engines (default: available processors)
                  --fused yes|no   our fused inference ops, or the separate ops as training runs them (default yes)
                  --seed S         seed of weights and subnets (default 1)""";
    }

    /**
     * Entry point; exits with 2 on bad arguments and 1 on a failure.
     *
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        int rc = run(System.out, args);
        if (rc != 0) {
            System.exit(rc);
        }
    }

    static int run(PrintStream out, String... args) {
        Map<String, String> o = new LinkedHashMap<>();
        Path csvPath;
        Settings s;
        List<Integer> batches;
        int resolution;
        double width;
        int random;
        long seed;
        try {
            if (args.length == 0 || args.length % 2 == 0 || args[0].startsWith("--")) {
                throw new IllegalArgumentException("expected OUT.csv then --option value pairs");
            }
            csvPath = Path.of(args[0]);
            for (int i = 1; i < args.length; i += 2) {
                if (!args[i].startsWith("--")) {
                    throw new IllegalArgumentException("expected --option, got '" + args[i] + "'");
                }
                o.put(args[i].substring(2), args[i + 1]);
            }
            s = new Settings(Integer.parseInt(o.getOrDefault("warmup", "5")),
                    Integer.parseInt(o.getOrDefault("repeats", "20")), Integer.parseInt(o.getOrDefault("rounds", "2")),
                    Integer.parseInt(o.getOrDefault("threads", "" + Runtime.getRuntime().availableProcessors())),
                    yesNo(o.getOrDefault("fused", "yes")));
            batches = Arrays.stream(o.getOrDefault("batches", "1,64").split(",")).map(String::trim)
                    .map(Integer::valueOf).toList();
            resolution = Integer.parseInt(o.getOrDefault("resolution", "28"));
            width = Double.parseDouble(o.getOrDefault("width", "0.5"));
            random = Integer.parseInt(o.getOrDefault("random", "3"));
            seed = Long.parseLong(o.getOrDefault("seed", "1"));
            if (random < 0 || batches.stream().anyMatch(b -> b < 1)) {
                throw new IllegalArgumentException("--random must be >= 0 and every batch >= 1");
            }
        } catch (IllegalArgumentException e) { // NumberFormatException included
            System.err.println("OrtComparison: " + e.getMessage() + "\n" + usage());
            return 2;
        }
        try {
            org.compofa.export.OnnxRuntime.require("OrtComparison");
        } catch (org.compofa.export.OnnxRuntimeMissingException e) {
            System.err.println("OrtComparison: " + e.getMessage());
            return 1;
        }
        SearchSpace space = SearchSpaces.compOfa(width, ResolutionSet.of(resolution));
        NetworkSpec spec = NetworkSpec.supernet(MobileNetV3Geometry.smallInput(width, 1, 10), SearchSpaces.MBV3_SLOTS,
                KernelTransform.NONE);
        try (ComputeContext ctx = ComputeContext.open(Backend.CPU); Network net = new Network(ctx, spec, seed)) {
            ctx.setThreads(s.threads());
            String loadBefore = loadAverage(); // a busy machine makes both columns slower
            List<Row> rows = compare(net, subnets(space, resolution, random, seed), batches, s);
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("cpu", Platform.cpuModel());
            meta.put("loadavg_before", loadBefore);
            meta.put("loadavg_after", loadAverage());
            meta.put("threads", Integer.toString(s.threads()));
            meta.put("ours", "compofa " + ctx.backend() + " backend, JDK " + Runtime.version()
                    + ", OPENBLAS_NUM_THREADS=" + System.getenv().getOrDefault("OPENBLAS_NUM_THREADS", "unset")
                    + ", fused inference ops: " + (s.fused() ? "yes" : "no"));
            meta.put("ort", "ONNX Runtime " + OnnxRuntimeLatency.version() + " CPU EP, opt ALL, sequential");
            meta.put("space", space.id());
            meta.put("settings", "warmup " + s.warmup() + ", repeats " + s.repeats() + ", rounds " + s.rounds()
                    + ", seed " + seed);
            out.print(table(rows));
            AtomicFiles.write(csvPath.toAbsolutePath(), csv(rows, meta));
            out.println("wrote " + csvPath);
            return 0;
        } catch (IOException | RuntimeException e) {
            System.err.println("OrtComparison: " + e.getMessage());
            return 1;
        }
    }
}
