package org.compofa.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import org.compofa.latency.BlockLatencyTable;
import org.compofa.search.Candidate;
import org.compofa.search.EvolutionConfig;
import org.compofa.search.EvolutionSearch;
import org.compofa.search.ExactSearch;
import org.compofa.search.SearchResult;
import org.compofa.space.ResolutionSet;
import org.compofa.space.SearchSpace;
import org.compofa.space.SearchSpaces;
import org.compofa.space.Subnet;

/**
 * OFA's search on a space too large to tabulate: regularised evolution ({@link EvolutionSearch},
 * OFA's settings) with the accuracy predictor and a per-block latency table's prediction, one search
 * per budget. Budgets are spread evenly from the table's fastest subnet (the space's smallest at its
 * lowest resolution) to its slowest (largest, highest resolution), the last one at the slowest.
 */
final class LutSearch {
    private LutSearch() {
    }

    /**
     * The space at the resolutions the table covers (it was measured at {@code --eval-resolutions}):
     * all of them, or an evenly spaced subset the space's id can name.
     *
     * @throws CommandFailedException when the covered resolutions are not evenly spaced
     */
    static SearchSpace covered(SearchSpace space, BlockLatencyTable lut) {
        List<Integer> in = new ArrayList<>();
        for (int r : space.resolutions().values()) {
            try {
                lut.predictMs(space.largest(r));
                lut.predictMs(space.smallest(r));
                in.add(r);
            } catch (IllegalArgumentException e) {
                // a resolution the table was not measured at
            }
        }
        if (in.size() == space.resolutions().size()) {
            return space;
        }
        int step = in.size() > 1 ? in.get(1) - in.get(0) : 1;
        ResolutionSet set = in.isEmpty() ? null : new ResolutionSet(in.getFirst(), in.getLast(), step);
        if (set == null || !set.values().equals(in)) {
            throw new CommandFailedException("the block latency table " + lut.platform().name() + " covers resolutions "
                    + in + " of " + space.id() + ": measure it (compofa latency --lut only) at all the space's "
                    + "resolutions or at evenly spaced ones (--eval-resolutions)");
        }
        String id = space.id();
        return SearchSpaces.fromId(id.substring(0, id.lastIndexOf("_r")) + "_" + set.tag());
    }

    static SearchCommand.PlatformResult evolve(SearchSpace space, ToDoubleFunction<Subnet> accuracy,
                                              BlockLatencyTable lut, int budgetsPerPlatform, int generations) {
        long t0 = System.nanoTime();
        space = covered(space, lut);
        double lo = Double.POSITIVE_INFINITY;
        double hi = 0;
        for (int r : space.resolutions().values()) {
            lo = Math.min(lo, lut.predictMs(space.smallest(r)));
            hi = Math.max(hi, lut.predictMs(space.largest(r)));
        }
        double[] budgets = new double[budgetsPerPlatform];
        for (int i = 0; i < budgets.length; i++) {
            budgets[i] = lo + (hi - lo) * (i + 1) / budgets.length;
        }
        EvolutionSearch search = new EvolutionSearch(lut.platform().name(), space, accuracy, lut::predictMs,
                EvolutionConfig.ofa().withGenerations(generations));
        List<Optional<Candidate>> best = new ArrayList<>();
        List<Candidate> found = new ArrayList<>();
        for (Optional<SearchResult> r : search.search(budgets)) {
            best.add(r.map(SearchResult::best));
            r.ifPresent(x -> found.add(x.best()));
        }
        List<Candidate> front = found.isEmpty() ? List.of() : new ExactSearch(lut.platform().name(), found.stream().distinct().toList())
                .paretoFront();
        return new SearchCommand.PlatformResult(lut.platform().name() + "-lut-evolution",
                lut.platform().device(), front, budgets, best, (System.nanoTime() - t0) / 1e6);
    }
}
