package org.compofa.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.SeriesRenderingOrder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * A line/scatter chart (JFreeChart): training curves, Pareto fronts, accuracy CDFs. Tick units are 1, 2
 * or 5 times a power of ten; each axis's range follows the data within what its {@link AxisScale}
 * allows (a CDF spans exactly [0, 1]); every series has its own colour and marker shape, drawn on
 * point sets and on lines of at most {@value #SHORT_LINE} points; the legend sits under the plot.
 * {@link #write(Path)} writes a PNG and an SVG beside it (see {@link ChartFiles}).
 */
public final class LineChart {
    /** Lines with at most this many points also show their points' markers. */
    public static final int SHORT_LINE = 40;
    private static final double LINE_MARKER = 8;
    private static final double SCATTER_MARKER = 13;

    /** How a series is drawn. */
    public enum Style {
        /** A line through the points in order; markers too when it has at most {@value LineChart#SHORT_LINE} points. */
        LINE,
        /** A line with a marker on every point (a Pareto front: each point is a subnet). */
        LINE_AND_MARKERS,
        /** Markers only, larger and hollow (a scatter of chosen subnets, which may lie on a front). */
        MARKERS
    }

    /**
     * One named series, drawn in the order given. Points with a non-finite coordinate (a diverged loss)
     * are left out of the drawing and the axis ranges.
     *
     * @param name legend entry
     * @param x x coordinates
     * @param y y coordinates, as many as x
     * @param style line and marker style
     */
    public record Series(String name, double[] x, double[] y, Style style) {
        /**
         * Checks the lengths.
         *
         * @throws IllegalArgumentException when x and y differ in length or a field is null
         */
        public Series {
            if (name == null || x == null || y == null || style == null) {
                throw new IllegalArgumentException("series: name, x, y and style must not be null");
            }
            if (x.length != y.length) {
                throw new IllegalArgumentException("series " + name + ": " + x.length + " x values, " + y.length
                        + " y values");
            }
        }
    }

    private final String title;
    private final String xLabel;
    private final AxisScale xScale;
    private final String yLabel;
    private final AxisScale yScale;
    private final List<Series> series = new ArrayList<>();

    /**
     * An empty chart.
     *
     * @param title  the title above the plot
     * @param xLabel the x axis label, with its unit ("latency ms")
     * @param xScale what the x values are (their allowed range)
     * @param yLabel the y axis label, with its unit ("top-1 %")
     * @param yScale what the y values are
     */
    public LineChart(String title, String xLabel, AxisScale xScale, String yLabel, AxisScale yScale) {
        this.title = title;
        this.xLabel = xLabel;
        this.xScale = xScale;
        this.yLabel = yLabel;
        this.yScale = yScale;
    }

    /**
     * Adds a series (drawn after, so above, the ones added before).
     *
     * @param s the series; its name must be new
     * @return this chart
     */
    public LineChart add(Series s) {
        series.add(s);
        return this;
    }

    /**
     * Writes the chart as {@code png} and as an SVG beside it; returns the SVG file.
     *
     * @param png the PNG file to write
     * @return the SVG file written beside it
     * @throws java.io.IOException if a file cannot be written
     */
    public Path write(Path png) throws IOException {
        return ChartFiles.write(chart(), png);
    }

    /**
     * The chart as JFreeChart builds it (a new one on each call), for other formats or for tests.
     *
     * @return a new chart
     */
    public JFreeChart chart() {
        XYSeriesCollection data = new XYSeriesCollection();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer();
        double[] xr = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        double[] yr = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        Set<String> names = new HashSet<>();
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            XYSeries xy = new XYSeries(unique(s.name(), names), false, true);
            for (int k = 0; k < s.x().length; k++) {
                double x = s.x()[k];
                double y = s.y()[k];
                if (Double.isFinite(x) && Double.isFinite(y)) {
                    xy.add(x, y, false);
                    extend(xr, x);
                    extend(yr, y);
                }
            }
            data.addSeries(xy);
            boolean markers = s.style() != Style.LINE || xy.getItemCount() <= SHORT_LINE;
            boolean scatter = s.style() == Style.MARKERS;
            renderer.setSeriesLinesVisible(i, !scatter);
            renderer.setSeriesShapesVisible(i, markers);
            // A scatter of chosen points often sits on a front: larger hollow markers keep both visible.
            renderer.setSeriesShapesFilled(i, !scatter);
            renderer.setSeriesShape(i, ChartStyle.marker(i, scatter ? SCATTER_MARKER : LINE_MARKER));
            renderer.setSeriesPaint(i, ChartStyle.colour(i));
            renderer.setSeriesStroke(i, ChartStyle.lineStroke());
            renderer.setSeriesOutlineStroke(i, ChartStyle.lineStroke());
        }
        double[] xRange = xScale.range(xr[0], xr[1]);
        double[] yRange = yScale.range(yr[0], yr[1]);
        NumberAxis x = ChartStyle.numberAxis(xLabel, xRange[0], xRange[1], xScale.wholeNumbers());
        NumberAxis y = ChartStyle.numberAxis(yLabel, yRange[0], yRange[1], yScale.wholeNumbers());
        XYPlot plot = new XYPlot(data, x, y, renderer);
        plot.setOrientation(PlotOrientation.VERTICAL);
        plot.setSeriesRenderingOrder(SeriesRenderingOrder.FORWARD); // later series on top, as documented
        plot.setDomainGridlinePaint(ChartStyle.GRID);
        plot.setRangeGridlinePaint(ChartStyle.GRID);
        JFreeChart chart = new JFreeChart(title, ChartStyle.TITLE_FONT, plot, true);
        return ChartStyle.finish(chart, plot, !series.isEmpty());
    }

    private static void extend(double[] range, double v) {
        range[0] = Math.min(range[0], v);
        range[1] = Math.max(range[1], v);
    }

    /** JFreeChart keys series by name: a repeated name gets " (2)", " (3)", ... */
    private static String unique(String name, Set<String> taken) {
        String n = name;
        for (int k = 2; !taken.add(n); k++) {
            n = name + " (" + k + ")";
        }
        return n;
    }
}
