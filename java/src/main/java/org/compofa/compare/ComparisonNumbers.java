package org.compofa.compare;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.compofa.latency.LatencyModelError;
import org.compofa.latency.LatencyTable;
import org.compofa.search.Candidate;
import org.compofa.search.ExactSearch;

/**
 * The numbers that answer the paper's four claims, derived from a comparison's artifacts only.
 *
 * @param training     claim 1: training cost
 * @param fronts       claim 2: per platform, the two searches' subnets per budget
 * @param population   claim 3: accuracy of subnet populations
 * @param searchTimes  claim 4: per platform, each search's time
 * @param models       how good OFA's predictor and latency model were
 */
public record ComparisonNumbers(Training training, List<Front> fronts, Population population,
                                List<SearchTimes> searchTimes, Models models) {
    /** The paper's CompOFA / OFA training GPU-hours (README: 493.5 / 978.3). */
    public static final double PAPER_TIME_RATIO = 493.5 / 978.3;
    /** The paper's search speed-up (4.5 h / 75 s). */
    public static final double PAPER_SEARCH_SPEEDUP = 4.5 * 3600 / 75;
    /** z of a two-sided 95 % interval. */
    static final double Z95 = 1.96;

    /**
     * Claim 1.
     *
     * @param teacherSeconds     the shared teacher's wall time (counted apart)
     * @param compofaSeconds     CompOFA's wall time over its phases
     * @param ofaSeconds         OFA's wall time over its phases
     * @param compofaSubnetSteps CompOFA's subnet-steps
     * @param ofaSubnetSteps     OFA's subnet-steps
     */
    public record Training(double teacherSeconds, double compofaSeconds, double ofaSeconds, long compofaSubnetSteps,
                           long ofaSubnetSteps) {
        /**
         * CompOFA's wall time over OFA's.
         *
         * @return the ratio
         */
        public double timeRatio() {
            return compofaSeconds / ofaSeconds;
        }

        /**
         * CompOFA's subnet-steps over OFA's.
         *
         * @return the ratio
         */
        public double stepRatio() {
            return (double) compofaSubnetSteps / ofaSubnetSteps;
        }
    }

    /**
     * One budget of claim 2: CompOFA's exact choice and OFA's evolution's choice, both measured.
     *
     * @param budgetMs the latency budget
     * @param compofa  CompOFA's most accurate compound subnet within it (exact)
     * @param ofa      OFA's found subnet with its measured top-1 and latency (empty: none found)
     * @param ofaModelMs the latency OFA's search believed for it (NaN when none)
     */
    public record BudgetRow(double budgetMs, Candidate compofa, Optional<Candidate> ofa, double ofaModelMs) {
        /**
         * CompOFA's top-1 minus OFA's (NaN when OFA found none).
         *
         * @return difference in top-1 points, or NaN
         */
        public double difference() {
            return ofa.map(c -> compofa.top1() - c.top1()).orElse(Double.NaN);
        }

        /**
         * Whether OFA's subnet, measured, is slower than the budget its search thought it met.
         *
         * @return true when over budget
         */
        public boolean ofaOverBudget() {
            return ofa.map(c -> c.latencyMs() > budgetMs).orElse(false);
        }
    }

    /**
     * Claim 2 on one platform.
     *
     * @param platform       the platform
     * @param rows           one per budget
     * @param compofaFront   Pareto front of the compound subnets in the CompOFA supernet
     * @param compoundInOfaFront Pareto front of the same subnets in the OFA supernet
     * @param noise          95 % half-width of a difference of two top-1s on the test set (points)
     */
    public record Front(String platform, List<BudgetRow> rows, List<Candidate> compofaFront,
                        List<Candidate> compoundInOfaFront, double noise) {
        /**
         * Mean of CompOFA minus OFA over the budgets where OFA found a subnet.
         *
         * @return mean difference in top-1 points
         */
        public double meanDifference() {
            return rows.stream().mapToDouble(BudgetRow::difference).filter(Double::isFinite).average()
                    .orElse(Double.NaN);
        }

        /**
         * Budgets where OFA's measured subnet exceeded the budget.
         *
         * @return the count
         */
        public long ofaOverBudget() {
            return rows.stream().filter(BudgetRow::ofaOverBudget).count();
        }
    }

    /**
     * Summary of a set of accuracies.
     *
     * @param n      how many
     * @param mean   mean top-1
     * @param sd     sample standard deviation
     * @param p10    10th percentile (nearest rank on {@code round(q (n - 1))})
     * @param median 50th percentile (same rule)
     * @param p90    90th percentile (same rule)
     */
    public record Stats(int n, double mean, double sd, double p10, double median, double p90) {
        /**
         * The summary of {@code values} (at least one).
         *
         * @param values at least one value
         * @return the summary
         */
        public static Stats of(Collection<Double> values) {
            double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double mean = Arrays.stream(v).average().orElseThrow();
            double ss = 0;
            for (double x : v) {
                ss += (x - mean) * (x - mean);
            }
            double sd = v.length > 1 ? Math.sqrt(ss / (v.length - 1)) : 0;
            return new Stats(v.length, mean, sd, percentile(v, 0.1), percentile(v, 0.5), percentile(v, 0.9));
        }

        static double percentile(double[] sorted, double q) {
            return sorted[(int) Math.round(q * (sorted.length - 1))];
        }
    }

    /**
     * Claim 3.
     *
     * @param compofa        every compound subnet in the CompOFA supernet (CompOFA's whole population)
     * @param compoundInOfa  the same subnets in the OFA supernet
     * @param ofaRandom      random OFA subnets in the OFA supernet
     * @param pairedDifference mean over the compound subnets of CompOFA's top-1 minus OFA's for the same subnet
     * @param fractionAboveOfaMedian share of CompOFA's population above the OFA random subnets' median
     */
    public record Population(Stats compofa, Stats compoundInOfa, Stats ofaRandom, double pairedDifference,
                             double fractionAboveOfaMedian) {
        /**
         * CompOFA population mean minus OFA random mean.
         *
         * @return mean difference in top-1 points
         */
        public double meanDifference() {
            return compofa.mean() - ofaRandom.mean();
        }

        /**
         * 95 % half-width of {@link #meanDifference()} from the two samples' spread.
         *
         * @return half-width in top-1 points
         */
        public double noise() {
            return Z95 * Math.sqrt(compofa.sd() * compofa.sd() / compofa.n()
                    + ofaRandom.sd() * ofaRandom.sd() / ofaRandom.n());
        }
    }

    /**
     * Claim 4 on one platform: search times over all budgets (ms) and what each search needed first (s).
     *
     * @param platform              the platform
     * @param budgets               budgets searched
     * @param exactSetupMs          building CompOFA's exact index
     * @param exactMs               CompOFA's exact lookups
     * @param compofaEvolutionMs    evolution over CompOFA's tables
     * @param ofaEvolutionMs        evolution over OFA's space with predictor and latency model
     * @param compofaTablesSeconds  evaluating and timing every compound subnet (needed by both CompOFA searches)
     * @param ofaPrepSeconds        evaluating the random OFA subnets, fitting the predictor and measuring
     *                              the per-block latency table
     * @param ofaFoundExactSeconds  evaluating and timing OFA's found subnets afterwards
     */
    public record SearchTimes(String platform, int budgets, double exactSetupMs, double exactMs,
                              double compofaEvolutionMs, double ofaEvolutionMs, double compofaTablesSeconds,
                              double ofaPrepSeconds, double ofaFoundExactSeconds) {
        /**
         * OFA's evolution time over CompOFA's exact search (setup included).
         *
         * @return the speed-up factor
         */
        public double speedupExact() {
            return ofaEvolutionMs / (exactSetupMs + exactMs);
        }

        /**
         * OFA's evolution time over the same evolution on CompOFA's tables.
         *
         * @return the speed-up factor
         */
        public double speedupEvolution() {
            return ofaEvolutionMs / compofaEvolutionMs;
        }
    }

    /**
     * The helpers of OFA's search.
     *
     * @param predictorTrainRmse    RMSE (points) of the predictor on the random subnets it was fitted on
     * @param predictorHeldOutRmse  RMSE on the compound subnets in the OFA supernet, never seen in fitting
     * @param latencyModelErrorPct  per platform, mean |model - measured| / measured (%) on OFA's found subnets
     * @param blockTableError       per platform, the latency model against every measured compound subnet
     */
    public record Models(double predictorTrainRmse, double predictorHeldOutRmse,
                         Map<String, Double> latencyModelErrorPct, Map<String, LatencyModelError> blockTableError) {
    }

    /** The numbers of {@code a}. */
    static ComparisonNumbers of(ComparisonArtifacts a) {
        Training training = new Training(a.costs().get("teacher").wallSeconds(), a.costs().get("compofa").wallSeconds(),
                a.costs().get("ofa").wallSeconds(), a.costs().get("compofa").subnetSteps(),
                a.costs().get("ofa").subnetSteps());
        int testImages = Integer.parseInt(a.settings().get("test_images"));
        Stats compofa = Stats.of(a.compofa().top1().values());
        double p = compofa.mean() / 100;
        double noise = Z95 * Math.sqrt(2 * p * (1 - p) / testImages) * 100;
        List<Front> fronts = new ArrayList<>();
        List<SearchTimes> times = new ArrayList<>();
        Map<String, Double> latencyError = new java.util.LinkedHashMap<>();
        Map<String, LatencyModelError> blockError = new java.util.LinkedHashMap<>();
        for (String platform : a.platforms()) {
            LatencyTable lat = a.latency().get(platform);
            Map<String, SearchOutcome> s = a.searches().get(platform);
            SearchOutcome exact = s.get(ArtifactNames.COMPOFA_EXACT);
            SearchOutcome ofa = s.get(ArtifactNames.OFA_EVOLUTION);
            List<BudgetRow> rows = new ArrayList<>();
            for (int i = 0; i < exact.rows().size(); i++) {
                SearchOutcome.Row e = exact.rows().get(i);
                SearchOutcome.Row o = ofa.rows().get(i);
                rows.add(new BudgetRow(e.budgetMs(), e.found().orElseThrow(), o.found(), o.searchLatencyMs()));
            }
            fronts.add(new Front(platform, rows,
                    new ExactSearch(platform, a.compofa().candidates(lat::medianMs)).paretoFront(),
                    new ExactSearch(platform, a.compofaInOfa().candidates(lat::medianMs)).paretoFront(), noise));
            Map<String, Double> sec = a.stepSeconds();
            times.add(new SearchTimes(platform, exact.rows().size(), exact.setupMs(), exact.searchMs(),
                    s.get(ArtifactNames.COMPOFA_EVOLUTION).searchMs(), ofa.searchMs(),
                    sec.get("accuracy-compofa") + sec.get(ArtifactNames.stem(ArtifactNames.latency(platform))),
                    sec.get("accuracy-ofa-random") + sec.get("predictor-fit")
                            + sec.get(ArtifactNames.stem(ArtifactNames.blockLatency(platform))),
                    sec.get("ofa-found-exact-" + platform)));
            blockError.put(platform, LatencyModelError.of(lat, a.blockLatency().get(platform)));
            latencyError.put(platform, ofa.rows().stream().filter(r -> r.found().isPresent())
                    .mapToDouble(r -> 100 * Math.abs(r.searchLatencyMs() - r.found().get().latencyMs())
                            / r.found().get().latencyMs()).average().orElse(Double.NaN));
        }
        Map<org.compofa.space.Subnet, Double> inOfa = a.compofaInOfa().top1();
        double paired = a.compofa().top1().entrySet().stream().mapToDouble(e -> e.getValue() - inOfa.get(e.getKey()))
                .average().orElseThrow();
        Stats ofaRandom = Stats.of(a.ofaRandom().top1().values());
        double above = a.compofa().top1().values().stream().filter(v -> v > ofaRandom.median()).count()
                / (double) compofa.n();
        Population population = new Population(compofa, Stats.of(inOfa.values()), ofaRandom, paired, above);
        Models models = new Models(rmse(a.predictorCheck(), "train"), rmse(a.predictorCheck(), "compound"),
                latencyError, blockError);
        return new ComparisonNumbers(training, fronts, population, times, models);
    }

    private static double rmse(List<ComparisonArtifacts.PredictorPoint> points, String set) {
        return Math.sqrt(points.stream().filter(x -> x.set().equals(set))
                .mapToDouble(x -> (x.predicted() - x.measured()) * (x.predicted() - x.measured())).average()
                .orElse(Double.NaN));
    }
}
