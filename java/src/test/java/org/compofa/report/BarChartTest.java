package org.compofa.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.ui.RectangleEdge;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bar charts: the written files, a linear axis from 0, a log axis in whole decades showing every bar. */
class BarChartTest {
    @Test
    void aLogChartStartsAtAWholeDecadeBelowTheSmallestBarWithTheLegendUnderThePlot(@TempDir Path dir)
            throws IOException {
        Random r = new Random(41);
        List<String> platforms = List.of("cpu-b1", "ort-cpu-b1", "cuda-b64");
        BarChart chart = new BarChart("Search time", "ms", platforms, true);
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        List<Double> values = new java.util.ArrayList<>();
        for (String name : List.of("exact", "evolution on tables", "evolution with predictor")) {
            double[] v = new double[platforms.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = Math.pow(10, -2.7 + 6.1 * r.nextDouble());
                min = Math.min(min, v[i]);
                max = Math.max(max, v[i]);
                values.add(v[i]);
            }
            chart.add(new BarChart.Series(name, v));
        }
        JFreeChart jf = chart.chart();
        Rectangle2D area = ChartChecks.dataArea(jf);
        LogAxis axis = (LogAxis) jf.getCategoryPlot().getRangeAxis();
        double lower = Math.log10(axis.getLowerBound());
        double upper = Math.log10(axis.getUpperBound());
        assertEquals(Math.rint(lower), lower, 1e-9, "lower bound a power of ten");
        assertTrue(upper - Math.log10(max) >= 0.1 * (Math.log10(max) - lower) - 1e-9, "room for the top label");
        assertTrue(axis.getLowerBound() < min && axis.getUpperBound() > max, "every bar inside " + axis.getRange());
        assertEquals(RectangleEdge.BOTTOM, jf.getLegend().getPosition());
        List<Rectangle2D> items = ChartChecks.legendItems(jf);
        assertEquals(3, items.size(), "one legend item per series");
        assertTrue(items.stream().allMatch(i -> i.getMinY() >= area.getMaxY()), "legend under the plot");

        Path png = dir.resolve("search-time.png");
        List<String> texts = ChartChecks.svgTexts(chart.write(png));
        ChartChecks.onlyPngAndSvg(png);
        BufferedImage img = ChartChecks.png(png);
        for (int s = 0; s < 3; s++) {
            assertTrue(ChartChecks.pixelsOf(img, area, (Color) ChartStyle.colour(s)) > 50, "bars of series " + s);
        }
        for (String t : List.of("Search time", "ms", "cpu-b1", "cuda-b64", "evolution on tables")) {
            assertTrue(texts.contains(t), "SVG text '" + t + "' in " + texts);
        }
        for (int k = (int) Math.rint(lower); k <= (int) Math.floor(upper + 1e-9); k++) {
            String decade = ChartStyle.valueFormat().format(Math.pow(10, k));
            assertTrue(texts.contains(decade), "decade label " + decade + " in " + texts);
        }
        for (double v : values) {
            String label = new java.math.BigDecimal(v).round(new java.math.MathContext(3)).stripTrailingZeros()
                    .toPlainString();
            assertTrue(texts.contains(label), "bar label " + label + " (3 significant digits of " + v + ") in "
                    + texts);
        }
    }

    @Test
    void aLinearChartStartsAtZeroWithRoundTicksAndOneSeriesNeedsNoLegend(@TempDir Path dir) throws IOException {
        BarChart chart = new BarChart("Training cost", "wall minutes", List.of("teacher", "CompOFA", "OFA"), false)
                .add(new BarChart.Series("wall minutes", new double[] {3.137, 41.9, 117.31}));
        JFreeChart jf = chart.chart();
        ChartChecks.dataArea(jf);
        NumberAxis axis = (NumberAxis) jf.getCategoryPlot().getRangeAxis();
        assertEquals(0, axis.getLowerBound(), "bars start at 0");
        assertTrue(axis.getUpperBound() > 117.31, "the tallest bar and its label fit: " + axis.getRange());
        assertTrue(ChartStyle.isRoundTickSize(axis.getTickUnit().getSize()), "tick " + axis.getTickUnit());
        assertNull(jf.getLegend(), "one series: the axis label says what it is");
        Path png = dir.resolve("cost.png");
        chart.write(png);
        BufferedImage img = ChartChecks.png(png);
        assertTrue(ChartChecks.pixelsOf(img, ChartChecks.dataArea(chart.chart()), (Color) ChartStyle.colour(0))
                > 500, "bars drawn");
        List<String> texts = ChartChecks.svgTexts(ChartFiles.svgBeside(png));
        assertTrue(texts.containsAll(List.of("3.14", "41.9", "117")), "bar labels to 3 digits in " + texts);
        assertTrue(texts.contains("wall minutes"), "the rotated axis label is text in " + texts);
    }

    @Test
    void badSeriesAreRefusedWithTheReason() {
        BarChart log = new BarChart("t", "ms", List.of("a", "b"), true);
        var e = assertThrows(IllegalArgumentException.class, () -> log.add(new BarChart.Series("s", new double[] {1, 0})));
        assertTrue(e.getMessage().contains("> 0 on a log axis"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> log.add(new BarChart.Series("s", new double[] {1})));
        assertThrows(IllegalArgumentException.class, () -> log.add(new BarChart.Series("s",
                new double[] {1, Double.NaN})));
        log.add(new BarChart.Series("s", new double[] {1, 2}));
        assertThrows(IllegalArgumentException.class, () -> log.add(new BarChart.Series("s", new double[] {1, 2})));
        assertThrows(IllegalArgumentException.class, () -> new BarChart("t", "ms", List.of(), false));
        assertThrows(IllegalArgumentException.class, () -> new BarChart("t", "ms", List.of("a", "a"), false));
        assertEquals(0.1, log.chart().getCategoryPlot().getRangeAxis().getLowerBound(),
                "1 sits on a decade: the axis starts a decade lower so its bar shows");
        BarChart wide = new BarChart("t", "ms", List.of("a"), true).add(new BarChart.Series("s", new double[] {911}));
        BarChart low = new BarChart("t", "ms", List.of("a", "b"), true).add(new BarChart.Series("s",
                new double[] {1.05, 254}));
        assertEquals(0.1, low.chart().getCategoryPlot().getRangeAxis().getLowerBound(), 1e-12,
                "a bar of 1.05 gets a decade under it, not a sliver over 1");
        double top = Math.log10(wide.chart().getCategoryPlot().getRangeAxis().getUpperBound());
        assertEquals(Math.log10(911) + 0.1, top, 1e-9, "911 ms: a tenth of a decade of room for its label, not the"
                + " whole empty decade up to 10,000");
    }
}
