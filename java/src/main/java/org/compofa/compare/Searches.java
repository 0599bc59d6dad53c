package org.compofa.compare;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.ToDoubleFunction;
import org.compofa.latency.BlockLatencyTable;
import org.compofa.latency.LatencyMeasurer;
import org.compofa.latency.LatencyTable;
import org.compofa.search.AccuracyPredictor;
import org.compofa.search.AccuracyTable;
import org.compofa.search.Candidate;
import org.compofa.search.EvolutionSearch;
import org.compofa.search.ExactSearch;
import org.compofa.search.NoSubnetWithinBudgetException;
import org.compofa.search.SearchResult;
import org.compofa.space.MobileNetV3Geometry;
import org.compofa.space.SearchSpace;
import org.compofa.space.Subnet;

/**
 * The search steps of a {@link Comparison}, per latency platform and budget: exact search over
 * CompOFA's measured tables, OFA's evolution over the CompOFA tables (the paper's CompOFA search,
 * which used the same evolution), and OFA's evolution over the OFA space with an accuracy predictor
 * trained on the random OFA subnets and the per-block latency lookup table ({@link BlockLatencyTable},
 * OFA's efficiency predictor), whose found subnets are then evaluated
 * (recalibrated top-1) and timed exactly. Each writes a {@link SearchOutcome}; the predictor and its
 * check against the compound subnets' measured accuracy in the OFA supernet are saved once.
 */
final class Searches {
    private final ComparisonSettings settings;
    private final Path dir;
    private final StepTimes times;
    private final SubnetEvaluations evalOfa;
    private final PrintStream out;
    private final BiConsumer<String, String> progress;

    Searches(ComparisonSettings settings, Path dir, StepTimes times, SubnetEvaluations evalOfa, PrintStream out,
             BiConsumer<String, String> progress) {
        this.settings = settings;
        this.dir = dir;
        this.times = times;
        this.evalOfa = evalOfa;
        this.out = out;
        this.progress = progress;
    }

    /**
     * Budgets spread evenly over the latency range of CompOFA's Pareto front, both ends included:
     * from its fastest subnet to its most accurate one ({@code n = 1}: the latter). Beyond that range
     * every budget has the same answer, and a slow outlier in the table cannot stretch it.
     */
    static double[] budgets(List<Candidate> front, int n) {
        double lo = front.getFirst().latencyMs();
        double hi = front.getLast().latencyMs();
        double[] b = new double[n];
        for (int i = 0; i < n; i++) {
            b[i] = n == 1 ? hi : lo + (hi - lo) * i / (n - 1);
        }
        return b;
    }

    void run(SearchSpace compofa, SearchSpace ofa, List<Platforms.Entry> platforms, MobileNetV3Geometry geometry)
            throws IOException {
        AccuracyTable acc = AccuracyTable.read(dir.resolve(ArtifactNames.ACCURACY_COMPOFA), compofa);
        AccuracyPredictor predictor = predictor(compofa, ofa);
        for (Platforms.Entry p : platforms) {
            String name = p.platform().name();
            LatencyTable lat = LatencyTable.read(dir.resolve(ArtifactNames.latency(name)), compofa);
            double[] budgets = budgets(new ExactSearch(name, acc.candidates(lat::medianMs)).paretoFront(),
                    settings.budgets());
            String exact = ArtifactNames.search(ArtifactNames.COMPOFA_EXACT, name);
            if (!skip(exact)) {
                exactSearch(acc, lat, budgets).write(dir.resolve(exact));
            }
            String evoCompofa = ArtifactNames.search(ArtifactNames.COMPOFA_EVOLUTION, name);
            if (!skip(evoCompofa)) {
                EvolutionSearch e = new EvolutionSearch(name, compofa, s -> lookup(acc, s), lat::medianMs,
                        settings.evolution());
                List<SearchOutcome.Row> rows = new ArrayList<>();
                for (double b : budgets) {
                    rows.add(evolutionRow(e, b, r -> Optional.of(r.best())));
                }
                new SearchOutcome(ArtifactNames.COMPOFA_EVOLUTION, name, compofa.id(), 0, rows)
                        .write(dir.resolve(evoCompofa));
            }
            String evoOfa = ArtifactNames.search(ArtifactNames.OFA_EVOLUTION, name);
            if (!skip(evoOfa)) {
                BlockLatencyTable blocks = BlockLatencyTable.read(dir.resolve(ArtifactNames.blockLatency(name)),
                        geometry);
                ofaSearch(p, ofa, blocks::predictMs, predictor, budgets).write(dir.resolve(evoOfa));
            }
        }
    }

    private boolean skip(String artifact) {
        boolean exists = Files.exists(dir.resolve(artifact));
        progress.accept(ArtifactNames.stem(artifact), exists ? "done before (" + Comparison.FOLDER + "/" + artifact
                + ")" : "running");
        return exists;
    }

    private static double lookup(AccuracyTable acc, Subnet s) {
        Double a = acc.top1().get(s);
        if (a == null) {
            throw new IllegalArgumentException(s.id() + " is not in the CompOFA accuracy table");
        }
        return a;
    }

    /**
     * Exact search: the index build is the setup, each budget's lookup is timed on its own, after one
     * untimed run of both (so the microseconds measured are the search's, not the JIT's).
     */
    private static SearchOutcome exactSearch(AccuracyTable acc, LatencyTable lat, double[] budgets) {
        String name = lat.platform().name();
        new ExactSearch(name, acc.candidates(lat::medianMs)).bestWithin(budgets);
        long t0 = System.nanoTime();
        ExactSearch search = new ExactSearch(name, acc.candidates(lat::medianMs));
        double setupMs = (System.nanoTime() - t0) / 1e6;
        List<SearchOutcome.Row> rows = new ArrayList<>();
        for (double b : budgets) {
            long t = System.nanoTime();
            Optional<Candidate> c = search.bestWithin(b);
            double ms = (System.nanoTime() - t) / 1e6;
            rows.add(new SearchOutcome.Row(b, c, c.map(Candidate::top1).orElse(Double.NaN),
                    c.map(Candidate::latencyMs).orElse(Double.NaN), ms));
        }
        return new SearchOutcome(ArtifactNames.COMPOFA_EXACT, name, acc.spaceId(), setupMs, rows);
    }

    /** One budget of an evolution; {@code measured} turns what it found into the measured candidate. */
    private static SearchOutcome.Row evolutionRow(EvolutionSearch e, double budget,
                                                  java.util.function.Function<SearchResult, Optional<Candidate>>
                                                          measured) {
        long t = System.nanoTime();
        try {
            SearchResult r = e.search(budget);
            double ms = (System.nanoTime() - t) / 1e6;
            return new SearchOutcome.Row(budget, measured.apply(r), r.best().top1(), r.best().latencyMs(), ms);
        } catch (NoSubnetWithinBudgetException none) {
            double ms = (System.nanoTime() - t) / 1e6;
            return new SearchOutcome.Row(budget, Optional.empty(), Double.NaN, Double.NaN, ms);
        }
    }

    /** OFA: evolution with the predictor and latency model, then exact top-1 and latency of what it found. */
    private SearchOutcome ofaSearch(Platforms.Entry p, SearchSpace ofa, ToDoubleFunction<Subnet> latency,
                                    AccuracyPredictor predictor, double[] budgets) throws IOException {
        String name = p.platform().name();
        EvolutionSearch e = new EvolutionSearch(name, ofa, predictor, latency, settings.evolution());
        List<SearchOutcome.Row> searched = new ArrayList<>();
        for (double b : budgets) {
            searched.add(evolutionRow(e, b, r -> Optional.of(r.best())));
        }
        LinkedHashSet<Subnet> found = new LinkedHashSet<>();
        searched.forEach(r -> r.found().ifPresent(c -> found.add(c.subnet())));
        String step = "ofa-found-exact-" + name;
        long t0 = System.nanoTime();
        AccuracyTable top1 = evalOfa.evaluate(step, ofa, List.copyOf(found),
                dir.resolve(ArtifactNames.partial(ArtifactNames.search(ArtifactNames.OFA_EVOLUTION, name))));
        Map<Subnet, Double> ms = new java.util.HashMap<>();
        try (LatencyMeasurer m = new LatencyMeasurer(p.net(), p.platform().batch(), settings.latencyWarmup(),
                settings.latencyRepeats())) {
            found.forEach(s -> ms.put(s, m.measure(s).medianMs()));
        }
        times.record(step, (System.nanoTime() - t0) / 1e9);
        List<SearchOutcome.Row> rows = new ArrayList<>();
        for (SearchOutcome.Row r : searched) {
            Optional<Candidate> exact = r.found().map(c -> new Candidate(c.subnet(), top1.top1().get(c.subnet()),
                    ms.get(c.subnet())));
            rows.add(new SearchOutcome.Row(r.budgetMs(), exact, r.searchTop1(), r.searchLatencyMs(), r.searchMs()));
        }
        Files.deleteIfExists(dir.resolve(ArtifactNames.partial(ArtifactNames.search(ArtifactNames.OFA_EVOLUTION,
                name))));
        return new SearchOutcome(ArtifactNames.OFA_EVOLUTION, name, ofa.id(), 0, rows);
    }

    /**
     * The OFA accuracy predictor: loaded when saved before, else fitted on the random OFA subnets
     * (timed as step {@code predictor-fit}), saved, and checked against the measured top-1 of the
     * compound subnets in the OFA supernet (subnets it never saw) in {@code predictor-check.csv}.
     */
    private AccuracyPredictor predictor(SearchSpace compofa, SearchSpace ofa) throws IOException {
        Path file = dir.resolve(ArtifactNames.PREDICTOR);
        if (Files.exists(file) && Files.exists(dir.resolve(ArtifactNames.PREDICTOR_CHECK))) {
            progress.accept("predictor-fit", "done before (" + Comparison.FOLDER + "/" + ArtifactNames.PREDICTOR + ")");
            return AccuracyPredictor.load(file, ofa);
        }
        progress.accept("predictor-fit", "running");
        AccuracyTable samples = AccuracyTable.read(dir.resolve(ArtifactNames.ACCURACY_OFA_RANDOM), ofa);
        AccuracyTable compound = AccuracyTable.read(dir.resolve(ArtifactNames.ACCURACY_COMPOFA_IN_OFA), compofa);
        List<Subnet> subnets = List.copyOf(samples.top1().keySet());
        double[] y = samples.top1().values().stream().mapToDouble(Double::doubleValue).toArray();
        long t0 = System.nanoTime();
        AccuracyPredictor predictor = new AccuracyPredictor(ofa, settings.predictor());
        double mse = predictor.fit(subnets, y);
        double s = (System.nanoTime() - t0) / 1e9;
        StringBuilder check = new StringBuilder("set,subnet,measured_top1,predicted_top1\n");
        double[] fitted = predictor.predict(subnets);
        for (int i = 0; i < subnets.size(); i++) {
            check.append(String.format(Locale.ROOT, "train,%s,%s,%s%n", subnets.get(i).id(), y[i], fitted[i]));
        }
        List<Subnet> held = List.copyOf(compound.top1().keySet());
        double[] predicted = predictor.predict(held);
        for (int i = 0; i < held.size(); i++) {
            check.append(String.format(Locale.ROOT, "compound,%s,%s,%s%n", held.get(i).id(),
                    compound.top1().get(held.get(i)), predicted[i]));
        }
        times.record("predictor-fit", s);
        predictor.save(file);
        org.compofa.report.AtomicFiles.write(dir.resolve(ArtifactNames.PREDICTOR_CHECK), check);
        out.printf(Locale.ROOT, "compare: predictor fitted on %d subnets in %.1f s (last-epoch MSE %.3f)%n",
                subnets.size(), s, mse);
        return predictor;
    }
}
