package org.compofa.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.compofa.search.Candidate;
import org.compofa.search.ExactSearch;
import org.compofa.space.ResolutionSet;
import org.compofa.space.SearchSpaces;
import org.compofa.space.Subnet;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue #4's search bar: exact CompOFA search over a 243 x 25 table (every compound subnet at the
 * 25 training resolutions 128..224) answering 1,000 latency budgets. Accuracies and latencies are
 * synthetic (seeded; latency grows with FLOPs-like size, accuracy with it plus noise), which costs
 * the search what a measured table does. {@code buildAndAnswer} counts sorting the table into the
 * index as well; {@code answer} only the 1,000 queries on a built index.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class ExactSearchBenchmark {
    private static final int BUDGETS = 1000;

    private List<Candidate> table;
    private double[] budgets;
    private ExactSearch built;

    /** The synthetic table and 1,000 budgets spread over its latency range. */
    @Setup
    public void setUp() {
        SplittableRandom rnd = new SplittableRandom(2021);
        table = new ArrayList<>();
        double max = 0;
        for (Subnet s : SearchSpaces.compOfa(1.0, ResolutionSet.TRAINING).enumerate()) {
            double size = s.resolution() * s.resolution() * (1 + java.util.Arrays.stream(s.depths()).sum());
            double latency = size * 1e-4 * (1 + 0.05 * rnd.nextDouble());
            table.add(new Candidate(s, 60 + 20 * Math.log(size) / Math.log(1e7) + rnd.nextDouble(), latency));
            max = Math.max(max, latency);
        }
        budgets = new double[BUDGETS];
        for (int i = 0; i < BUDGETS; i++) {
            budgets[i] = rnd.nextDouble() * max * 1.1;
        }
        built = new ExactSearch("synthetic", table);
    }

    /** Builds the index from the table, then answers every budget. */
    @Benchmark
    public List<Optional<Candidate>> buildAndAnswer() {
        return new ExactSearch("synthetic", table).bestWithin(budgets);
    }

    /** Answers every budget on the built index. */
    @Benchmark
    public List<Optional<Candidate>> answer() {
        return built.bestWithin(budgets);
    }
}
