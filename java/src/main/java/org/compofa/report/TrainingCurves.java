package org.compofa.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Plots a phase's {@code log.csv} beside it: loss against step ({@code loss.png}, {@code loss.svg}) and
 * training top-1 against step ({@code top1.png}, {@code top1.svg}).
 */
public final class TrainingCurves {
    private TrainingCurves() {
    }

    /**
     * Writes {@code <dir>/loss.png}, {@code <dir>/top1.png} and their SVGs from {@code <dir>/log.csv}.
     *
     * @param dir the phase directory holding {@code log.csv}
     * @param phase phase name, for the titles
     * @throws java.io.IOException if the log cannot be read or a chart written
     */
    public static void plot(Path dir, String phase) throws IOException {
        List<String> lines = Files.readAllLines(dir.resolve("log.csv"));
        int n = lines.size() - 1;
        if (n < 1) {
            return;
        }
        double[] step = new double[n];
        double[] loss = new double[n];
        double[] top1 = new double[n];
        for (int i = 0; i < n; i++) {
            String[] f = lines.get(i + 1).split(",");
            step[i] = Double.parseDouble(f[0]);
            loss[i] = Double.parseDouble(f[4]);
            top1[i] = Double.parseDouble(f[5]);
        }
        new LineChart(phase + ": training loss", "step", AxisScale.COUNT, "loss",
                AxisScale.NON_NEGATIVE)
                .add(new LineChart.Series("loss (mean over the log window)", step, loss,
                        LineChart.Style.LINE))
                .write(dir.resolve("loss.png"));
        new LineChart(phase + ": training top-1 of the sampled subnets", "step", AxisScale.COUNT,
                "top-1 %", AxisScale.PERCENT)
                .add(new LineChart.Series("top-1 % (augmented training batches)", step, top1,
                        LineChart.Style.LINE))
                .write(dir.resolve("top1.png"));
    }
}
