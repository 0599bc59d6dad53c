package org.compofa.report;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A phase's log.csv plotted as loss and top-1 curves, PNG and SVG each. */
class TrainingCurvesTest {
    @Test
    void plotsLossAndTop1FromTheLog(@TempDir Path dir) throws IOException {
        Random r = new Random(47);
        StringBuilder log = new StringBuilder("step,epoch,batch,lr,loss,top1,images_per_s\n");
        for (int step = 10; step <= 1730; step += 10) {
            log.append(String.format(Locale.ROOT, "%d,%d,%d,%.5f,%.4f,%.2f,%.1f%n", step, step / 100, step % 100,
                    0.1, 2.3 * Math.exp(-step / 600.0) + 0.05 * r.nextDouble(),
                    95 - 80 * Math.exp(-step / 400.0) + r.nextDouble(), 700.0));
        }
        Files.writeString(dir.resolve("log.csv"), log);
        TrainingCurves.plot(dir, "compound");
        for (String name : List.of("loss", "top1")) {
            Path png = dir.resolve(name + ".png");
            var img = ChartChecks.png(png);
            List<String> texts = ChartChecks.svgTexts(ChartFiles.svgBeside(png));
            assertTrue(texts.stream().anyMatch(t -> t.startsWith("compound: training")), "title in " + texts);
            assertTrue(texts.contains("step"), "x label in " + texts);
            assertTrue(ChartChecks.pixelsOf(img, new java.awt.Rectangle(0, 0, img.getWidth(), img.getHeight()),
                    (Color) ChartStyle.colour(0)) > 200, name + ": the curve is drawn");
        }
    }
}
