package org.compofa.latency;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.compofa.space.Subnet;

/**
 * How well a {@link BlockLatencyTable} predicts measured latency, over the subnets of a measured
 * {@link LatencyTable}: the error in percent of the measured median ({@code 100 (predicted -
 * measured) / measured}) as mean absolute, maximum absolute and mean signed (bias), and how well
 * the prediction orders subnets (Pearson on the values, Spearman on their ranks, ties given their
 * average rank). Search only needs the order and the constraint boundary to be right, so the
 * correlations matter as much as the percentages.
 *
 * @param subnets            subnets compared, >= 2
 * @param meanAbsPercent     mean |error| in percent
 * @param maxAbsPercent      largest |error| in percent
 * @param worst              the subnet with the largest |error|
 * @param meanPercent        mean signed error in percent (> 0: the table over-predicts)
 * @param pearson            Pearson correlation of predicted and measured (NaN if either is constant)
 * @param spearman           Spearman rank correlation (NaN if either is constant)
 */
public record LatencyModelError(int subnets, double meanAbsPercent, double maxAbsPercent, Subnet worst,
                                double meanPercent, double pearson, double spearman) {
    /** Checks the count and the worst subnet. */
    public LatencyModelError {
        Objects.requireNonNull(worst, "worst");
        if (subnets < 2 || !(meanAbsPercent >= 0) || !(maxAbsPercent >= 0)) {
            throw new IllegalArgumentException("error report over " + subnets + " subnets, mean |error| "
                    + meanAbsPercent + " %, max " + maxAbsPercent + " %: need >= 2 subnets and errors >= 0");
        }
    }

    /**
     * Compares {@code model}'s predictions with every subnet of {@code measured}.
     *
     * @param measured measured latencies of whole subnets
     * @param model the per-piece model
     * @return the comparison
     * @throws IllegalArgumentException when the batches differ, the table has fewer than 2 subnets,
     *                                  a measured median is 0, or the model lacks a piece (named)
     */
    public static LatencyModelError of(LatencyTable measured, BlockLatencyTable model) {
        Objects.requireNonNull(measured, "measured");
        Objects.requireNonNull(model, "model");
        if (measured.platform().batch() != model.platform().batch()) {
            throw new IllegalArgumentException("measured table at batch " + measured.platform().batch()
                    + " compared with a block table at batch " + model.platform().batch() + ": batches must match");
        }
        List<Subnet> subnets = measured.subnets();
        double[] m = new double[subnets.size()];
        double[] p = new double[subnets.size()];
        for (int i = 0; i < m.length; i++) {
            m[i] = measured.medianMs(subnets.get(i));
            p[i] = model.predictMs(subnets.get(i));
        }
        return of(subnets, m, p);
    }

    /** The statistics of {@code predicted} against {@code measured}, both in the order of {@code subnets}. */
    static LatencyModelError of(List<Subnet> subnets, double[] measured, double[] predicted) {
        int n = subnets.size();
        if (n < 2 || measured.length != n || predicted.length != n) {
            throw new IllegalArgumentException(n + " subnets, " + measured.length + " measured and "
                    + predicted.length + " predicted values: need the same count, at least 2");
        }
        double sumAbs = 0;
        double sum = 0;
        double max = -1;
        Subnet worst = null;
        for (int i = 0; i < n; i++) {
            if (!(measured[i] > 0) || !Double.isFinite(measured[i]) || !Double.isFinite(predicted[i])) {
                throw new IllegalArgumentException(subnets.get(i).id() + ": measured " + measured[i]
                        + " ms, predicted " + predicted[i] + " ms: need finite values, measured > 0");
            }
            double err = 100 * (predicted[i] - measured[i]) / measured[i];
            sum += err;
            sumAbs += Math.abs(err);
            if (Math.abs(err) > max) {
                max = Math.abs(err);
                worst = subnets.get(i);
            }
        }
        return new LatencyModelError(n, sumAbs / n, max, worst, sum / n, pearson(measured, predicted),
                pearson(ranks(measured), ranks(predicted)));
    }

    static double pearson(double[] x, double[] y) {
        double mx = Arrays.stream(x).average().orElseThrow();
        double my = Arrays.stream(y).average().orElseThrow();
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
    }

    /** 1-based ranks, ties sharing their average rank. */
    static double[] ranks(double[] v) {
        Integer[] order = new Integer[v.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> Double.compare(v[a], v[b]));
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; ) {
            int j = i;
            while (j + 1 < v.length && v[order[j + 1]] == v[order[i]]) {
                j++;
            }
            double avg = (i + j) / 2.0 + 1;
            for (int t = i; t <= j; t++) {
                r[order[t]] = avg;
            }
            i = j + 1;
        }
        return r;
    }

    /**
     * One line for reports.
     *
     * @return the summary line
     */
    public String summary() {
        return String.format(Locale.ROOT, "block latency table vs measured, %d subnets: mean |error| %.2f %%, max "
                        + "%.2f %% (%s), bias %+.2f %%, Pearson %.4f, Spearman %.4f", subnets, meanAbsPercent,
                maxAbsPercent, worst.id(), meanPercent, pearson, spearman);
    }
}
