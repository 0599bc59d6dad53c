package org.compofa.compare;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.compofa.data.Dataset;
import org.compofa.data.LoaderConfig;
import org.compofa.nn.Network;
import org.compofa.nn.Workspace;
import org.compofa.search.AccuracyTable;
import org.compofa.space.SearchSpace;
import org.compofa.space.Subnet;
import org.compofa.train.Evaluator;
import org.compofa.train.ProgressBar;

/**
 * BN-recalibrated top-1 of a list of subnets of one supernet, as an {@link AccuracyTable}. Each
 * result is appended to a partial file as soon as it is known ({@code subnet,top1} rows); a run
 * that was killed reads it back and evaluates only the rest, as the latency tables do.
 */
final class SubnetEvaluations {
    private final Network net;
    private final Dataset train;
    private final LoaderConfig trainLoader;
    private final Dataset test;
    private final java.util.function.IntFunction<Dataset> testAt;
    private final LoaderConfig evalLoader;
    private final int recalImages;
    private final PrintStream out;

    /**
     * @param net         the supernet
     * @param train       images for BN recalibration
     * @param trainLoader the training augmentation (recalibration uses it, as OFA does)
     * @param test        images the top-1 is measured on
     * @param testAt      those images at a resolution (the eval crop applied for ImageNet-style input)
     * @param evalLoader  how test batches are formed (the run's normalisation)
     * @param recalImages recalibration images per subnet
     * @param out         where the progress bar goes
     */
    SubnetEvaluations(Network net, Dataset train, LoaderConfig trainLoader, Dataset test,
                      java.util.function.IntFunction<Dataset> testAt, LoaderConfig evalLoader, int recalImages,
                      PrintStream out) {
        this.net = net;
        this.train = train;
        this.trainLoader = trainLoader;
        this.test = test;
        this.testAt = testAt;
        this.evalLoader = evalLoader;
        this.recalImages = recalImages;
        this.out = out;
    }

    /** What the top-1 was measured on, in words (written into the tables). */
    String dataset() {
        return "test images: " + test.size() + ", BN recalibration on " + Math.min(recalImages, train.size())
                + " training images";
    }

    /** Evaluates {@code subnets} (each of {@code space}), resuming from {@code partial}. */
    AccuracyTable evaluate(String label, SearchSpace space, List<Subnet> subnets, Path partial) throws IOException {
        if (subnets.isEmpty()) {
            return new AccuracyTable(space.id(), dataset(), Map.of());
        }
        Map<Subnet, Double> done = readPartial(partial, space);
        Files.createDirectories(partial.toAbsolutePath().getParent());
        try (Writer w = Files.newBufferedWriter(partial, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
             Workspace ws = new Workspace(net.context());
             ProgressBar bar = new ProgressBar(label, subnets.size(), "subnet", out, ProgressBar.isTerminal(),
                     System::nanoTime, ProgressBar.DEFAULT_PERCENT_STEP)) {
            Evaluator ev = new Evaluator(ws);
            bar.resumeAt(subnets.stream().filter(done::containsKey).count());
            for (Subnet s : subnets) {
                if (done.containsKey(s)) {
                    continue;
                }
                ev.recalibrate(net, s, train, trainLoader, recalImages);
                double a = ev.top1(net, s, testAt.apply(s.resolution()), evalLoader);
                done.put(s, a);
                w.write(String.format(Locale.ROOT, "%s,%s%n", s.id(), a));
                w.flush();
                bar.metric("top1", a).step();
            }
        }
        Map<Subnet, Double> ordered = new LinkedHashMap<>();
        subnets.forEach(s -> ordered.put(s, done.get(s)));
        return new AccuracyTable(space.id(), dataset(), ordered);
    }

    private static Map<Subnet, Double> readPartial(Path partial, SearchSpace space) throws IOException {
        Map<Subnet, Double> done = new LinkedHashMap<>();
        if (!Files.exists(partial)) {
            return done;
        }
        String text = Files.readString(partial, StandardCharsets.UTF_8);
        List<String> lines = text.lines().toList();
        int complete = text.endsWith("\n") ? lines.size() : lines.size() - 1; // a row cut by a kill is redone
        for (int i = 0; i < complete; i++) {
            String[] f = lines.get(i).split(",", -1);
            try {
                done.put(space.validate(Subnet.parse(f[0])), Double.parseDouble(f[1]));
            } catch (RuntimeException e) {
                throw new IOException(partial + ":" + (i + 1) + ": bad row '" + lines.get(i) + "' (" + e.getMessage()
                        + "); delete the file to evaluate again", e);
            }
        }
        if (complete < lines.size()) {
            StringBuilder sb = new StringBuilder();
            done.forEach((s, a) -> sb.append(String.format(Locale.ROOT, "%s,%s%n", s.id(), a)));
            org.compofa.report.AtomicFiles.write(partial, sb);
        }
        return done;
    }
}
