package org.compofa.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.Range;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Line charts on seeded random data of odd sizes and awkward ranges: the written PNG and SVG, round
 * tick units and labels, ranges within what each quantity allows, markers, legend under the plot.
 */
class LineChartTest {
    /** A Pareto-like chart as the comparison draws it: fronts with markers, chosen points as a scatter. */
    private static LineChart pareto(Random r) {
        double lo = 0.0137 + r.nextDouble() * 0.1;
        double span = 0.0731 + r.nextDouble() * 3;
        LineChart chart = new LineChart("Pareto fronts", "latency ms", AxisScale.NON_NEGATIVE, "top-1 %",
                AxisScale.PERCENT);
        chart.add(new LineChart.Series("front", sortedUniform(r, 37, lo, lo + span),
                sortedUniform(r, 37, 83.17, 91.42), LineChart.Style.LINE_AND_MARKERS));
        chart.add(new LineChart.Series("chosen", uniform(r, 7, lo, lo + span), uniform(r, 7, 84.03, 90.9),
                LineChart.Style.MARKERS));
        chart.add(new LineChart.Series("long line", sortedUniform(r, 211, lo, lo + span),
                sortedUniform(r, 211, 83.5, 89.1), LineChart.Style.LINE));
        return chart;
    }

    @Test
    void writesAReadablePngWithTheDataDrawnAndAWellFormedSvgWithTheLabels(@TempDir Path dir) throws IOException {
        LineChart chart = pareto(new Random(17));
        Path png = dir.resolve("pareto.png");
        Path svg = chart.write(png);
        assertEquals(dir.resolve("pareto.svg"), svg);
        ChartChecks.onlyPngAndSvg(png);
        BufferedImage img = ChartChecks.png(png);
        Rectangle2D area = ChartChecks.dataArea(chart.chart());
        assertTrue(area.getWidth() > ChartStyle.WIDTH / 2.0 && area.getHeight() > ChartStyle.HEIGHT / 3.0,
                "the plot takes most of the image: " + area);
        for (int s = 0; s < 3; s++) {
            assertTrue(ChartChecks.pixelsOf(img, area, (Color) ChartStyle.colour(s)) > 20,
                    "series " + s + " drawn inside the plot area");
        }
        List<String> texts = ChartChecks.svgTexts(svg);
        for (String t : List.of("Pareto fronts", "latency ms", "top-1 %", "front", "chosen", "long line")) {
            assertTrue(texts.contains(t), "SVG text '" + t + "' in " + texts);
        }
    }

    @Test
    void ticksAreOneTwoOrFiveTimesAPowerOfTenAndLabelledExactly(@TempDir Path dir) throws IOException {
        Random r = new Random(23);
        for (int trial = 0; trial < 5; trial++) {
            LineChart chart = pareto(r);
            JFreeChart jf = chart.chart();
            ChartChecks.dataArea(jf); // drawing picks the tick units
            XYPlot plot = jf.getXYPlot();
            double[] units = {((NumberAxis) plot.getDomainAxis()).getTickUnit().getSize(),
                ((NumberAxis) plot.getRangeAxis()).getTickUnit().getSize()};
            for (double u : units) {
                assertTrue(ChartStyle.isRoundTickSize(u), "tick unit " + u + " is 1, 2 or 5 x 10^k");
            }
            Path png = dir.resolve("t" + trial + ".png");
            List<String> labels = ChartChecks.svgTexts(chart.write(png)).stream()
                    .filter(t -> t.matches("-?[0-9][0-9,]*(\\.[0-9]+)?")).toList();
            assertTrue(labels.size() >= 6, "tick labels in the SVG: " + labels);
            for (String label : labels) {
                BigDecimal v = new BigDecimal(label.replace(",", ""));
                boolean onGrid = Arrays.stream(units).anyMatch(u -> {
                    BigDecimal unit = new BigDecimal(Double.toString(u));
                    return v.remainder(unit).compareTo(BigDecimal.ZERO) == 0
                            && v.scale() <= Math.max(0, unit.stripTrailingZeros().scale());
                });
                assertTrue(onGrid, "label " + label + " is a multiple of a tick unit " + Arrays.toString(units)
                        + " with no more decimals than the unit");
            }
        }
    }

    @Test
    void theCdfAxisIsExactlyZeroToOneAndNonNegativeQuantitiesStayAtOrAboveZero() {
        Random r = new Random(29);
        double[] acc = sortedUniform(r, 243, 0.7, 31.3);
        double[] frac = new double[acc.length];
        for (int i = 0; i < acc.length; i++) {
            frac[i] = (i + 1.0) / acc.length;
        }
        JFreeChart cdf = new LineChart("CDF", "top-1 %", AxisScale.PERCENT, "fraction of subnets <= x",
                AxisScale.FRACTION).add(new LineChart.Series("all", acc, frac, LineChart.Style.LINE)).chart();
        assertEquals(new Range(0, 1), cdf.getXYPlot().getRangeAxis().getRange(), "CDF y axis");
        Range x = cdf.getXYPlot().getDomainAxis().getRange();
        assertTrue(x.getLowerBound() >= 0 && x.getLowerBound() < acc[0], "x axis from >= 0 below the data: " + x);
        assertTrue(x.getUpperBound() > acc[acc.length - 1] && x.getUpperBound() <= 100, "x axis: " + x);

        double[] step = sortedUniform(r, 301, 1, 5003);
        double[] loss = uniform(r, 301, 0.011, 2.4);
        JFreeChart curve = new LineChart("loss", "step", AxisScale.NON_NEGATIVE, "loss", AxisScale.NON_NEGATIVE)
                .add(new LineChart.Series("loss", step, loss, LineChart.Style.LINE)).chart();
        assertEquals(0, curve.getXYPlot().getRangeAxis().getLowerBound(), "a loss axis does not go below 0");
        assertEquals(0, curve.getXYPlot().getDomainAxis().getLowerBound(), "nor does a step axis");
    }

    @Test
    void markersOnPointSetsAndShortLinesNotOnLongLinesAndEverySeriesLooksDifferent() {
        JFreeChart chart = pareto(new Random(31)).chart();
        XYLineAndShapeRenderer renderer = (XYLineAndShapeRenderer) chart.getXYPlot().getRenderer();
        assertTrue(renderer.getSeriesShapesVisible(0) && renderer.getSeriesLinesVisible(0), "front: line + markers");
        assertTrue(renderer.getSeriesShapesVisible(1) && !renderer.getSeriesLinesVisible(1), "chosen: markers only");
        assertFalse(renderer.getSeriesShapesVisible(2), "a 211-point line has no markers");
        assertTrue(renderer.getSeriesLinesVisible(2));
        LineChart shortLine = new LineChart("t", "x", AxisScale.LINEAR, "y", AxisScale.LINEAR).add(
                new LineChart.Series("s", new double[] {1, 2, 3}, new double[] {3, 1, 2}, LineChart.Style.LINE));
        assertTrue(((XYLineAndShapeRenderer) shortLine.chart().getXYPlot().getRenderer()).getSeriesShapesVisible(0),
                "a 3-point line shows its points");
        for (int i = 0; i < 3; i++) {
            for (int j = i + 1; j < 3; j++) {
                assertNotEquals(renderer.getSeriesPaint(i), renderer.getSeriesPaint(j), "colours " + i + ", " + j);
                assertNotEquals(renderer.getSeriesShape(i), renderer.getSeriesShape(j), "markers " + i + ", " + j);
            }
        }
    }

    @Test
    void theLegendSitsUnderThePlotAndCoversNoData() {
        JFreeChart chart = pareto(new Random(37)).chart();
        Rectangle2D area = ChartChecks.dataArea(chart);
        assertEquals(RectangleEdge.BOTTOM, chart.getLegend().getPosition());
        List<Rectangle2D> items = ChartChecks.legendItems(chart);
        assertEquals(3, items.size(), "one legend item per series");
        for (Rectangle2D item : items) {
            assertFalse(item.intersects(area), "legend item " + item + " outside the data area " + area);
            assertTrue(item.getMinY() >= area.getMaxY(), "legend item " + item + " below the plot " + area);
        }
    }

    @Test
    void nonFiniteAndRepeatedNamesAreDrawableAndMismatchedLengthsAreRefused(@TempDir Path dir) throws IOException {
        LineChart chart = new LineChart("diverged", "step", AxisScale.NON_NEGATIVE, "loss", AxisScale.NON_NEGATIVE)
                .add(new LineChart.Series("loss", new double[] {1, 2, 3, 4, 5},
                        new double[] {2.1, 1.7, Double.NaN, Double.POSITIVE_INFINITY, 1.3}, LineChart.Style.LINE))
                .add(new LineChart.Series("loss", new double[] {1, 5}, new double[] {1, 1}, LineChart.Style.LINE));
        JFreeChart jf = chart.chart();
        Range y = jf.getXYPlot().getRangeAxis().getRange();
        assertTrue(y.getUpperBound() > 2.1 && y.getUpperBound() < 2.2, "the range ignores NaN and infinity: " + y);
        assertEquals(2, jf.getXYPlot().getDataset().getSeriesCount(), "the repeated name is kept apart");
        chart.write(dir.resolve("d.png"));
        ChartChecks.png(dir.resolve("d.png"));
        assertThrows(IllegalArgumentException.class, () -> new LineChart.Series("bad", new double[3],
                new double[4], LineChart.Style.LINE));
        assertThrows(IllegalArgumentException.class, () -> chart.write(dir.resolve("d.jpeg")),
                "a chart file name must end in .png");
        new LineChart("empty", "x", AxisScale.LINEAR, "y", AxisScale.FRACTION).write(dir.resolve("e.png"));
        ChartChecks.png(dir.resolve("e.png"));
    }

    static double[] uniform(Random r, int n, double lo, double hi) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = lo + r.nextDouble() * (hi - lo);
        }
        return v;
    }

    static double[] sortedUniform(Random r, int n, double lo, double hi) {
        double[] v = uniform(r, n, lo, hi);
        Arrays.sort(v);
        return v;
    }
}
