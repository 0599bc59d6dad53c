package org.compofa.compare;

import java.util.List;
import java.util.Locale;

/**
 * The plain verdict on each of the paper's claims from our numbers. The rules are stated in the
 * report next to the verdicts ({@link #RULES}), so a reader can check them.
 */
final class Verdicts {
    /** The rules, as printed under the claims table. */
    static final List<String> RULES = List.of(
            "1: confirmed when CompOFA's training wall time is at most 0.60 of OFA's (paper: 0.50), partly when"
                    + " at most 0.90, otherwise not confirmed.",
            "2: confirmed when, on every platform, the mean over the budgets of CompOFA's top-1 minus OFA's is"
                    + " not below minus the noise (95 % interval of a difference of two top-1s on the test set);"
                    + " otherwise not confirmed on the platforms where it is (no verdict where OFA's search found"
                    + " nothing within any budget).",
            "3: confirmed when the mean top-1 of CompOFA's subnets exceeds that of random OFA subnets by more"
                    + " than the noise (95 % interval of the difference of means), not shown when within it,"
                    + " not confirmed when below.",
            "4: confirmed when OFA's search takes at least 216 times CompOFA's exact search (setup included)"
                    + " on every platform; the like-for-like ratio (the same evolution on both spaces) is"
                    + " reported beside it.");

    private Verdicts() {
    }

    static String training(ComparisonNumbers.Training t) {
        double r = t.timeRatio();
        if (r <= 0.60) {
            return r < 0.40 ? "confirmed (a larger saving than the paper's)" : "confirmed";
        }
        return r <= 0.90 ? "partly: faster, but not about half" : "not confirmed";
    }

    static String front(List<ComparisonNumbers.Front> fronts) {
        StringBuilder worse = new StringBuilder();
        StringBuilder none = new StringBuilder();
        boolean higher = true;
        for (ComparisonNumbers.Front f : fronts) {
            double d = f.meanDifference();
            if (Double.isNaN(d)) {
                none.append(none.isEmpty() ? "" : ", ").append(f.platform());
                continue;
            }
            if (!(d >= -f.noise())) {
                worse.append(worse.isEmpty() ? "" : ", ").append(f.platform());
            }
            higher &= d > f.noise();
        }
        if (!none.isEmpty()) {
            return "cannot tell on " + none + ": OFA's search found no subnet within any budget by its latency model";
        }
        if (!worse.isEmpty()) {
            return "not confirmed on " + worse + ": OFA's subnets are more accurate by more than the noise";
        }
        return higher ? "confirmed (CompOFA's front is higher by more than the noise)"
                : "confirmed: the same front within the noise";
    }

    static String population(ComparisonNumbers.Population p) {
        double d = p.meanDifference();
        if (d > p.noise()) {
            return "confirmed";
        }
        return d >= -p.noise() ? "not shown: the difference is within the noise"
                : "not confirmed: random OFA subnets are more accurate on average";
    }

    static String search(List<ComparisonNumbers.SearchTimes> times) {
        double least = times.stream().mapToDouble(ComparisonNumbers.SearchTimes::speedupExact).min().orElseThrow();
        double evo = times.stream().mapToDouble(ComparisonNumbers.SearchTimes::speedupEvolution).min().orElseThrow();
        String like = String.format(Locale.ROOT, "; with the same evolution on both spaces only %sx",
                Format.ratio(evo));
        return (least >= ComparisonNumbers.PAPER_SEARCH_SPEEDUP ? "confirmed through exact search"
                : "not confirmed") + like;
    }
}
