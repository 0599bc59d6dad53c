package org.compofa.latency;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.compofa.space.SearchSpace;
import org.compofa.space.Subnet;
import org.compofa.train.ProgressBar;

/**
 * Measures a whole table (every subnet of a space at every given resolution) with a progress bar,
 * appending each entry to a partial file as soon as it is measured; a run that was killed skips what
 * that file already holds and measures only the rest.
 */
public final class LatencyTableBuilder {
    private LatencyTableBuilder() {
    }

    /**
     * @param timer       times one subnet (our backend or ONNX Runtime)
     * @param space       the space (enumerable)
     * @param resolutions resolutions to measure (each must be in the space)
     * @param platform    what is written into the table
     * @param partial     the partial CSV rows (created, appended, read back on restart)
     * @param out         where the progress bar goes
     */
    public static LatencyTable build(SubnetTimer timer, SearchSpace space, List<Integer> resolutions,
                                     Platform platform, Path partial, PrintStream out) throws IOException {
        Map<Subnet, LatencyStats> done = readPartial(partial, space);
        List<Subnet> all = resolutions.stream().flatMap(r -> space.enumerate(r).stream()).toList();
        Files.createDirectories(partial.toAbsolutePath().getParent());
        try (Writer w = Files.newBufferedWriter(partial, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
             ProgressBar bar = new ProgressBar("latency " + platform.name(), all.size(), "subnet", out,
                     ProgressBar.isTerminal(), System::nanoTime, ProgressBar.DEFAULT_PERCENT_STEP)) {
            // Rows of other resolutions in the partial file (an earlier run's settings) are kept but not
            // counted: the bar goes over this call's subnets only.
            int measured = (int) all.stream().filter(done::containsKey).count();
            bar.update(measured);
            for (Subnet s : all) {
                if (done.containsKey(s)) {
                    continue;
                }
                LatencyStats st = timer.measure(s);
                done.put(s, st);
                w.write(LatencyTable.row(s, st) + "\n");
                w.flush();
                bar.metric("ms", st.medianMs()).metric("spread%", st.spreadPercent()).update(++measured);
            }
        }
        Map<Subnet, LatencyStats> ordered = new LinkedHashMap<>();
        all.forEach(s -> ordered.put(s, done.get(s)));
        return new LatencyTable(space.id(), platform, ordered);
    }

    private static Map<Subnet, LatencyStats> readPartial(Path partial, SearchSpace space) throws IOException {
        Map<Subnet, LatencyStats> done = new LinkedHashMap<>();
        if (!Files.exists(partial)) {
            return done;
        }
        String text = Files.readString(partial, StandardCharsets.UTF_8);
        List<String> lines = text.lines().toList();
        boolean complete = text.endsWith("\n");
        for (int i = 0; i < lines.size(); i++) {
            if (i == lines.size() - 1 && !complete) {
                break; // a row cut by a kill: measure it again
            }
            var e = LatencyTable.parseRow(partial, i + 1, lines.get(i), space);
            done.put(e.getKey(), e.getValue());
        }
        if (!complete) {
            // Rewrite without the cut row so appends start on a fresh line.
            StringBuilder sb = new StringBuilder();
            done.forEach((s, st) -> sb.append(LatencyTable.row(s, st)).append('\n'));
            org.compofa.report.AtomicFiles.write(partial, sb);
        }
        return done;
    }
}
