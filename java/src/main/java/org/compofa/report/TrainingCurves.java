package org.compofa.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Plots a phase's {@code log.csv} (loss and top-1 against step) as {@code curves.png} beside it. */
public final class TrainingCurves {
    private TrainingCurves() {
    }

    /** Writes {@code <dir>/loss.png} and {@code <dir>/top1.png} from {@code <dir>/log.csv}. */
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
        new LineChart(phase + ": training loss", "step", "loss")
                .add(new LineChart.Series("loss (mean over the log window)", step, loss, false))
                .writePng(dir.resolve("loss.png"));
        new LineChart(phase + ": training top-1 of the sampled subnets", "step", "top-1 %")
                .add(new LineChart.Series("top-1 % (augmented training batches)", step, top1, false))
                .writePng(dir.resolve("top1.png"));
    }
}
