package org.compofa.report;

import java.awt.Color;
import java.awt.Graphics2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A grouped bar chart rendered to PNG with Java2D (headless): one group per category, one colour per
 * series, value labels on the bars, a linear or log10 value axis (log for times that span orders of
 * magnitude). The companion of {@link LineChart}.
 */
public final class BarChart {
    private static final Color[] PALETTE = ChartCanvas.PALETTE;
    private static final int W = ChartCanvas.W;
    private static final int H = ChartCanvas.H;
    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 50;
    private static final int BOTTOM = 70;

    /** One named series: a value per category (finite; > 0 on a log axis). */
    public record Series(String name, double[] values) {
    }

    private final String title;
    private final String yLabel;
    private final List<String> categories;
    private final boolean log;
    private final List<Series> series = new ArrayList<>();

    /**
     * @param title      chart title
     * @param yLabel     value axis label
     * @param categories group names along the x axis (at least one)
     * @param log        log10 value axis
     */
    public BarChart(String title, String yLabel, List<String> categories, boolean log) {
        if (categories.isEmpty()) {
            throw new IllegalArgumentException("a bar chart needs at least one category");
        }
        this.title = title;
        this.yLabel = yLabel;
        this.categories = List.copyOf(categories);
        this.log = log;
    }

    /**
     * Adds a series.
     *
     * @throws IllegalArgumentException when it has not one value per category, or a value is not finite
     *                                  (or not positive on a log axis)
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
        series.add(s);
        return this;
    }

    /** Renders to {@code file} (PNG, written atomically). */
    public void writePng(Path file) throws IOException {
        double[] range = range();
        ChartCanvas canvas = new ChartCanvas(title, LEFT, TOP, RIGHT, BOTTOM);
        Graphics2D g = canvas.graphics();
        for (double t : ticks(range)) {
            int py = py(t, range);
            g.setColor(new Color(0xdddddd));
            g.drawLine(LEFT, py, W - RIGHT, py);
            g.setColor(Color.BLACK);
            String label = fmt(log ? Math.pow(10, t) : t);
            g.drawString(label, LEFT - 6 - g.getFontMetrics().stringWidth(label), py + 4);
        }
        g.rotate(-Math.PI / 2);
        g.drawString(yLabel, -H / 2 - 40, 16);
        g.rotate(Math.PI / 2);
        int groupWidth = (W - LEFT - RIGHT) / categories.size();
        int barWidth = Math.max(2, (int) (groupWidth * 0.8 / Math.max(1, series.size())));
        for (int c = 0; c < categories.size(); c++) {
            int x0 = LEFT + c * groupWidth + (int) (groupWidth * 0.1);
            for (int si = 0; si < series.size(); si++) {
                double v = series.get(si).values()[c];
                int top = py(axis(v), range);
                int base = py(range[0], range);
                g.setColor(PALETTE[si % PALETTE.length]);
                g.fillRect(x0 + si * barWidth, top, barWidth - 2, Math.max(1, base - top));
                g.setColor(Color.BLACK);
                g.drawString(fmt(v), x0 + si * barWidth, top - 3);
            }
            g.drawString(categories.get(c), x0, H - BOTTOM + 18);
        }
        int legendX = LEFT; // one row under the category labels, clear of the bars
        for (int si = 0; si < series.size(); si++) {
            String name = series.get(si).name();
            g.setColor(PALETTE[si % PALETTE.length]);
            g.fillRect(legendX, H - 26, 12, 12);
            g.setColor(Color.BLACK);
            g.drawString(name, legendX + 18, H - 15);
            legendX += 40 + g.getFontMetrics().stringWidth(name);
        }
        canvas.writePng(file);
    }

    private double axis(double v) {
        return log ? Math.log10(v) : v;
    }

    /** The axis range: from 0 to 10 % over the top (linear), or whole decades around the values (log). */
    private double[] range() {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double v : s.values()) {
                lo = Math.min(lo, axis(v));
                hi = Math.max(hi, axis(v));
            }
        }
        if (!(lo <= hi)) {
            return new double[] {0, 1};
        }
        if (log) {
            return new double[] {Math.floor(lo) - (Math.floor(lo) == lo ? 1 : 0), Math.ceil(hi + 1e-9)};
        }
        lo = Math.min(0, lo);
        return new double[] {lo, hi > lo ? hi + 0.1 * (hi - lo) : lo + 1};
    }

    /** Grid values on the axis: every decade of a log axis (up to 12), else six even steps. */
    private double[] ticks(double[] r) {
        int decades = (int) Math.round(r[1] - r[0]);
        int n = log && decades <= 12 ? decades : 5;
        double[] t = new double[n + 1];
        for (int i = 0; i <= n; i++) {
            t[i] = r[0] + i * (r[1] - r[0]) / n;
        }
        return t;
    }

    private static int py(double v, double[] r) {
        return H - BOTTOM - (int) Math.round((v - r[0]) / (r[1] - r[0]) * (H - TOP - BOTTOM));
    }

    private static String fmt(double v) {
        return ChartCanvas.fmt(v);
    }
}
