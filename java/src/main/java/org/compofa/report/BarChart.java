package org.compofa.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * A grouped bar chart (JFreeChart): one group per category, one colour per series, each bar labelled
 * with its value, (3 significant digits), on a linear value axis from 0 or a log10 one (for times that span orders of
 * magnitude; ticks at whole decades). The legend sits under the plot, and only when there are several
 * series. {@link #write(Path)} writes a PNG and an SVG beside it (see {@link ChartFiles}). The companion
 * of {@link LineChart}.
 */
public final class BarChart {
    /** Head room over the tallest bar for its value label: a fraction of the span (linear)... */
    private static final double LINEAR_HEADROOM = 0.10;
    /** ...or of the decades shown (log); the next whole decade is taken when it is this close. */
    private static final double LOG_HEADROOM = 0.10;
    private static final double LOG_SNAP = 0.3;

    /**
     * One named series: a value per category (finite; > 0 on a log axis).
     *
     * @param name legend entry
     * @param values one value per category
     */
    public record Series(String name, double[] values) {
    }

    private final String title;
    private final String yLabel;
    private final List<String> categories;
    private final boolean log;
    private final List<Series> series = new ArrayList<>();

    /**
     * An empty chart; add series with {@link #add}.
     *
     * @param title      chart title
     * @param yLabel     value axis label, with its unit
     * @param categories group names along the x axis (at least one, all different)
     * @param log        log10 value axis
     * @throws IllegalArgumentException when there is no category or one repeats
     */
    public BarChart(String title, String yLabel, List<String> categories, boolean log) {
        if (categories.isEmpty()) {
            throw new IllegalArgumentException("a bar chart needs at least one category");
        }
        if (categories.stream().distinct().count() != categories.size()) {
            throw new IllegalArgumentException("bar chart categories must differ: " + categories);
        }
        this.title = title;
        this.yLabel = yLabel;
        this.categories = List.copyOf(categories);
        this.log = log;
    }

    /**
     * Adds a series.
     *
     * @param s the series; its name must be new
     * @return this chart
     * @throws IllegalArgumentException when it has not one value per category, a value is not finite
     *                                  (or not positive on a log axis), or its name is taken
     */
    public BarChart add(Series s) {
        if (s.values().length != categories.size()) {
            throw new IllegalArgumentException("series " + s.name() + ": " + s.values().length + " values for "
                    + categories.size() + " categories");
        }
        for (double v : s.values()) {
            if (!Double.isFinite(v) || (log && v <= 0)) {
                throw new IllegalArgumentException("series " + s.name() + ": value " + v + " must be finite"
                        + (log ? " and > 0 on a log axis" : ""));
            }
        }
        if (series.stream().anyMatch(o -> o.name().equals(s.name()))) {
            throw new IllegalArgumentException("bar chart series names must differ: " + s.name() + " twice");
        }
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
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int c = 0; c < categories.size(); c++) {
                data.addValue(s.values()[c], s.name(), categories.get(c));
                lo = Math.min(lo, s.values()[c]);
                hi = Math.max(hi, s.values()[c]);
            }
        }
        BarRenderer renderer = new BarRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setDrawBarOutline(false);
        renderer.setItemMargin(0.05);
        renderer.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}",
                ChartStyle.significantFormat(3)));
        renderer.setDefaultItemLabelsVisible(true);
        renderer.setDefaultItemLabelFont(ChartStyle.TICK_FONT);
        renderer.setDefaultPositiveItemLabelPosition(new ItemLabelPosition(ItemLabelAnchor.OUTSIDE12,
                TextAnchor.BOTTOM_CENTER));
        renderer.setDefaultNegativeItemLabelPosition(new ItemLabelPosition(ItemLabelAnchor.OUTSIDE6,
                TextAnchor.TOP_CENTER));
        for (int i = 0; i < series.size(); i++) {
            renderer.setSeriesPaint(i, ChartStyle.colour(i));
        }
        CategoryAxis x = new CategoryAxis();
        x.setTickLabelFont(ChartStyle.LABEL_FONT);
        x.setCategoryMargin(0.2);
        CategoryPlot plot = new CategoryPlot(data, x, valueAxis(lo, hi, renderer), renderer);
        plot.setOrientation(PlotOrientation.VERTICAL);
        plot.setRangeGridlinePaint(ChartStyle.GRID);
        if (log) { // a grid line at 2..9 x 10^k shows it is a log axis
            plot.setRangeMinorGridlinesVisible(true);
            plot.setRangeMinorGridlinePaint(ChartStyle.MINOR_GRID);
        }
        JFreeChart chart = new JFreeChart(title, ChartStyle.TITLE_FONT, plot, true);
        return ChartStyle.finish(chart, plot, series.size() > 1);
    }

    /**
     * Linear: from 0 (or the lowest negative value) to the highest value plus room for its label. Log:
     * from a whole decade at least 0.3 decades under the smallest bar (so every bar shows) to room for the tallest bar's
     * label, a whole decade when that is close.
     */
    private ValueAxis valueAxis(double lo, double hi, BarRenderer renderer) {
        if (!(lo <= hi)) {
            lo = log ? 1 : 0;
            hi = log ? 10 : 1;
        }
        if (log) {
            DecadeLogAxis axis = new DecadeLogAxis(yLabel);
            ChartStyle.axis(axis);
            double bottom = Math.floor(Math.log10(lo));
            bottom -= Math.log10(lo) - bottom < LOG_SNAP ? 1 : 0; // a bar just over a decade still shows
            double top = Math.log10(hi) + LOG_HEADROOM * Math.max(1, Math.log10(hi) - bottom);
            top = Math.ceil(top) - top < LOG_SNAP ? Math.ceil(top) : top;
            axis.setSmallestValue(Math.pow(10, bottom));
            axis.setRange(Math.pow(10, bottom), Math.pow(10, top));
            renderer.setBase(Math.pow(10, bottom));
            return axis;
        }
        double low = Math.min(0, lo);
        double high = Math.max(0, hi);
        double span = high > low ? high - low : 1;
        return ChartStyle.numberAxis(yLabel, low < 0 ? low - LINEAR_HEADROOM * span : 0,
                high + LINEAR_HEADROOM * span, false);
    }
}
