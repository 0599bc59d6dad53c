package org.compofa.latency;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.compofa.space.SearchSpace;
import org.compofa.space.Subnet;
import org.compofa.train.ProgressBar;

/**
 * Measures a whole table (every subnet of a space at every given resolution) with a progress bar,
 * appending each entry to a partial file as soon as it is decided; a run that was killed skips what
 * that file already holds and measures only the rest.
 *
 * <p>Noise: an entry whose spread ({@link LatencyStats#spreadPercent}, (p90 - p10) / median) is
 * above {@link Settings#maxSpreadPercent} was timed while the machine was busy; it is timed again, up
 * to {@link Settings#maxRuns} runs in all, and the run of least spread is kept. What was noisy is
 * reported ({@link NoiseReport}) and warned about; entries still noisy after every run stay in the
 * table (the best measurement there is) and are named in the warning.
 */
public final class LatencyTableBuilder {
    private static final System.Logger LOG = System.getLogger(LatencyTableBuilder.class.getName());

    private LatencyTableBuilder() {
    }

    /**
     * How a table is built.
     *
     * @param force            measure every entry again: ignore (and delete) the partial file and any
     *                         table already written ({@code --force})
     * @param maxSpreadPercent an entry whose spread is above this (percent, > 0) is noisy
     * @param maxRuns          timing runs per entry at most, 1 (no re-measuring) to {@value #MAX_RUNS}
     */
    public record Settings(boolean force, double maxSpreadPercent, int maxRuns) {
        /** Upper bound of {@link #maxRuns}. */
        public static final int MAX_RUNS = 10;
        /**
         * Defaults: reuse what was measured, 25 % spread (a quiet CPU gives well under 10 % with 10
         * repeats), 3 runs (a noisy entry costs at most 3 times its time).
         */
        public static final Settings DEFAULT = new Settings(false, 25, 3);

        /** Checks the limits. */
        public Settings {
            if (!(maxSpreadPercent > 0) || !Double.isFinite(maxSpreadPercent) || maxRuns < 1 || maxRuns > MAX_RUNS) {
                throw new IllegalArgumentException("latency noise limits: spread " + maxSpreadPercent
                        + " % must be finite and > 0, runs per entry " + maxRuns + " in [1, " + MAX_RUNS + "]");
            }
        }

        /**
         * These settings with {@code force} set.
         *
         * @param force whether to re-measure everything
         * @return a copy with that value
         */
        public Settings withForce(boolean force) {
            return new Settings(force, maxSpreadPercent, maxRuns);
        }

        /**
         * Whether {@code st} is above the spread limit.
         *
         * @param st an entry's statistics
         * @return true when its spread is above the limit
         */
        public boolean noisy(LatencyStats st) {
            return st.spreadPercent() > maxSpreadPercent;
        }
    }

    /**
     * A built table and what was noisy while building it.
     *
     * @param table    the table, in enumeration order
     * @param noise    the noisy entries
     * @param reused   entries taken from an earlier build (partial file or table) without timing them
     */
    public record Result(LatencyTable table, NoiseReport noise, int reused) {
    }

    /**
     * {@link #build(SubnetTimer, SearchSpace, List, Platform, Path, Settings, PrintStream)} with defaults.
     *
     * @param timer times one subnet
     * @param space the space (enumerable)
     * @param resolutions resolutions to measure
     * @param platform what is written into the table
     * @param partial the partial rows file
     * @param out where progress goes
     * @return the table
     * @throws java.io.IOException if the partial file cannot be read or written
     */
    public static LatencyTable build(SubnetTimer timer, SearchSpace space, List<Integer> resolutions,
                                     Platform platform, Path partial, PrintStream out) throws IOException {
        return build(timer, space, resolutions, platform, partial, Settings.DEFAULT, out).table();
    }

    /**
     * Builds the table, resuming from {@code partial} (unless {@code settings.force()}). The caller
     * writes the table and deletes the partial file ({@link #buildFiles} does both).
     *
     * @param timer       times one subnet (our backend or ONNX Runtime)
     * @param space       the space (enumerable)
     * @param resolutions resolutions to measure (each must be in the space)
     * @param platform    what is written into the table
     * @param partial     the partial rows (created, appended, read back on restart)
     * @param settings    force and noise limits
     * @param out         where the progress bar and the noise warning go
     * @return the table, its noise report and the reuse count
     * @throws java.io.IOException if the partial file cannot be read or written
     */
    public static Result build(SubnetTimer timer, SearchSpace space, List<Integer> resolutions, Platform platform,
                               Path partial, Settings settings, PrintStream out) throws IOException {
        return measure(timer, space, resolutions, platform, partial, Map.of(), settings, out);
    }

    /**
     * The whole build of {@code <base>.csv}: unless {@code settings.force()}, entries of an existing
     * {@code <base>.csv} of the same platform that are not noisy are kept and the rest measured
     * (resuming {@code <base>.partial.csv}); then {@code <base>.csv}, {@code <base>.json} and
     * {@code <base>.noise.txt} are written atomically and the partial file is deleted.
     *
     * @param base the table's path without extension, e.g. {@code runs/x/latency/cpu-b1}
     * @param timer times one subnet
     * @param space the space (enumerable)
     * @param resolutions resolutions to measure
     * @param platform what is written into the table
     * @param settings force and noise limits
     * @param out where progress and warnings go
     * @return the table, its noise report and the reuse count
     * @throws java.io.IOException if a file cannot be read or written
     */
    public static Result buildFiles(SubnetTimer timer, SearchSpace space, List<Integer> resolutions,
                                    Platform platform, Path base, Settings settings, PrintStream out)
            throws IOException {
        Path partial = partialOf(base);
        removeStalePartials(base.toAbsolutePath().getParent());
        Map<Subnet, LatencyStats> earlier = settings.force() ? Map.of() : earlierTable(base, space, platform, out);
        Result r = measure(timer, space, resolutions, platform, partial, earlier, settings, out);
        r.table().write(base);
        r.noise().write(Path.of(base + ".noise.txt"));
        Files.deleteIfExists(partial);
        return r;
    }

    /**
     * Deletes the partial files in {@code dir} that an earlier version left behind: each
     * {@code X.partial.csv} next to a table {@code X.csv} at least as new as it (a build always
     * writes its table before deleting its partial file; a newer partial file is a rebuild that was
     * killed and is kept for resuming).
     *
     * @param dir the directory to clean
     * @return the files deleted
     * @throws java.io.IOException if the directory cannot be listed or a file deleted
     */
    public static List<Path> removeStalePartials(Path dir) throws IOException {
        List<Path> removed = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return removed;
        }
        List<Path> partials;
        try (var s = Files.list(dir)) {
            partials = s.filter(p -> p.getFileName().toString().endsWith(".partial.csv")).sorted().toList();
        }
        for (Path p : partials) {
            String name = p.getFileName().toString();
            Path table = dir.resolve(name.substring(0, name.length() - ".partial.csv".length()) + ".csv");
            if (Files.exists(table) && Files.getLastModifiedTime(table).compareTo(Files.getLastModifiedTime(p)) >= 0) {
                Files.deleteIfExists(p);
                removed.add(p);
            }
        }
        return removed;
    }

    /**
     * The partial file of the table at {@code base}: {@code <base>.partial.csv}.
     *
     * @param base the table's path without extension
     * @return the partial file's path
     */
    public static Path partialOf(Path base) {
        return Path.of(base + ".partial.csv");
    }

    private static Map<Subnet, LatencyStats> earlierTable(Path base, SearchSpace space, Platform platform,
                                                          PrintStream out) {
        Path csv = Path.of(base + ".csv");
        if (!Files.exists(csv)) {
            return Map.of();
        }
        try {
            LatencyTable t = LatencyTable.read(csv, space);
            if (!t.platform().equals(platform)) {
                out.println("latency " + platform.name() + ": " + csv + " was measured on " + t.platform()
                        + "; measuring every entry again");
                return Map.of();
            }
            return t.entries();
        } catch (IOException e) {
            out.println("latency " + platform.name() + ": not reusing " + csv + " (" + e.getMessage()
                    + "); measuring every entry again");
            return Map.of();
        }
    }

    private static Result measure(SubnetTimer timer, SearchSpace space, List<Integer> resolutions,
                                  Platform platform, Path partial, Map<Subnet, LatencyStats> earlier,
                                  Settings settings, PrintStream out) throws IOException {
        if (settings.force()) {
            Files.deleteIfExists(partial);
        }
        Map<Subnet, PartialLatencyFile.Row> done = PartialLatencyFile.read(partial, space);
        List<Subnet> all = resolutions.stream().flatMap(r -> space.enumerate(r).stream()).toList();
        Map<Subnet, LatencyStats> table = new LinkedHashMap<>();
        Map<Subnet, NoiseReport.NoisyEntry> noisy = new LinkedHashMap<>();
        List<Subnet> todo = new ArrayList<>();
        for (Subnet s : all) {
            PartialLatencyFile.Row row = done.get(s);
            if (row != null && (!settings.noisy(row.stats()) || row.runs() >= settings.maxRuns())) {
                table.put(s, row.stats()); // decided by a killed build (the spreads of its runs are not kept)
                if (row.runs() > 1 || settings.noisy(row.stats())) {
                    noisy.put(s, new NoiseReport.NoisyEntry(s, row.runs(), List.of(), row.stats(),
                            settings.noisy(row.stats())));
                }
            } else if (row == null && earlier.containsKey(s) && !settings.noisy(earlier.get(s))) {
                table.put(s, earlier.get(s));
            } else {
                todo.add(s);
            }
        }
        int reused = table.size();
        // Rows of other resolutions in the partial file (an earlier run's settings) are kept in it but
        // not counted: the bar goes over this call's subnets only.
        try (PartialLatencyFile w = PartialLatencyFile.append(partial);
             ProgressBar bar = new ProgressBar("latency " + platform.name(), all.size(), "subnet", out,
                     ProgressBar.isTerminal(), System::nanoTime, ProgressBar.DEFAULT_PERCENT_STEP)) {
            bar.resumeAt(reused);
            int retried = 0;
            for (Subnet s : todo) {
                PartialLatencyFile.Row prior = done.get(s);
                Decided d = decide(timer, s, prior != null ? prior.stats() : earlier.get(s),
                        prior != null ? prior.runs() : 0, settings);
                w.write(s, new PartialLatencyFile.Row(d.kept(), d.runs()));
                if (d.spreads().stream().anyMatch(v -> v > settings.maxSpreadPercent())) {
                    noisy.put(s, new NoiseReport.NoisyEntry(s, d.runs(), d.spreads(), d.kept(),
                            settings.noisy(d.kept())));
                    retried++;
                }
                table.put(s, d.kept());
                bar.metric("ms", d.kept().medianMs()).metric("spread%", d.kept().spreadPercent())
                        .count("noisy", retried).step();
            }
        }
        Map<Subnet, LatencyStats> ordered = new LinkedHashMap<>();
        all.forEach(s -> ordered.put(s, table.get(s)));
        NoiseReport report = new NoiseReport(platform.name(), all.size(), settings.maxSpreadPercent(),
                settings.maxRuns(), all.stream().filter(noisy::containsKey).map(noisy::get).toList());
        if (!report.noisy().isEmpty()) {
            out.println("warning: " + report.summary());
            LOG.log(Level.WARNING, report.summary());
        }
        return new Result(new LatencyTable(space.id(), platform, ordered), report, reused);
    }

    /** The result kept for one entry, the timing runs it took and the spread of each result seen. */
    private record Decided(LatencyStats kept, int runs, List<Double> spreads) {
    }

    /**
     * Times {@code s} until a result is within the spread limit or {@code maxRuns} runs are done
     * (counting {@code runsBefore}, those of a killed build); keeps the result of least spread,
     * {@code prior} (a reused or resumed result, may be null) included. With no prior the loop runs
     * at least once ({@code runsBefore} is then 0: a partial file's rows always carry their result).
     */
    static Decided decide(SubnetTimer timer, Subnet s, LatencyStats prior, int runsBefore, Settings settings) {
        LatencyStats best = prior;
        List<Double> spreads = new ArrayList<>();
        if (prior != null) {
            spreads.add(prior.spreadPercent());
        }
        int runs = runsBefore;
        while ((best == null || settings.noisy(best)) && runs < settings.maxRuns()) {
            LatencyStats st = timer.measure(s);
            runs++;
            spreads.add(st.spreadPercent());
            if (best == null || st.spreadPercent() < best.spreadPercent()) {
                best = st;
            }
        }
        return new Decided(best, runs, spreads);
    }
}
