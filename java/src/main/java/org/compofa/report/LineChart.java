package org.compofa.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A small line/scatter chart rendered to PNG with Java2D (headless): titled axes with ticks, one
 * colour per series, a legend. Enough for training curves, Pareto fronts and accuracy CDFs without a
 * plotting dependency.
 */
public final class LineChart {
    private static final Color[] PALETTE = ChartCanvas.PALETTE;
    private static final int W = ChartCanvas.W;
    private static final int H = ChartCanvas.H;
    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;

    /** One named series; {@code points} false draws a line, true draws markers only. */
    public record Series(String name, double[] x, double[] y, boolean points) {
        /** Checks lengths. */
        public Series {
            if (x.length != y.length) {
                throw new IllegalArgumentException("series " + name + ": " + x.length + " x values, " + y.length
                        + " y values");
            }
        }
    }

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Series> series = new ArrayList<>();

    /** An empty chart. */
    public LineChart(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    /** Adds a series. */
    public LineChart add(Series s) {
        series.add(s);
        return this;
    }

    /** Renders to {@code file} (PNG, written atomically). */
    public void writePng(Path file) throws IOException {
        double[] xr = range(true);
        double[] yr = range(false);
        ChartCanvas canvas = new ChartCanvas(title, LEFT, TOP, RIGHT, BOTTOM);
        Graphics2D g = canvas.graphics();
        for (int i = 0; i <= 5; i++) {
            double xv = xr[0] + i * (xr[1] - xr[0]) / 5;
            double yv = yr[0] + i * (yr[1] - yr[0]) / 5;
            int px = px(xv, xr);
            int py = py(yv, yr);
            g.setColor(new Color(0xdddddd));
            g.drawLine(px, TOP, px, H - BOTTOM);
            g.drawLine(LEFT, py, W - RIGHT, py);
            g.setColor(Color.BLACK);
            g.drawString(fmt(xv), px - 15, H - BOTTOM + 18);
            g.drawString(fmt(yv), LEFT - 60, py + 4);
        }
        g.drawString(xLabel, W / 2 - 40, H - 15);
        g.rotate(-Math.PI / 2);
        g.drawString(yLabel, -H / 2 - 40, 20);
        g.rotate(Math.PI / 2);
        for (int si = 0; si < series.size(); si++) {
            Series s = series.get(si);
            g.setColor(PALETTE[si % PALETTE.length]);
            g.setStroke(new BasicStroke(2f));
            for (int i = 0; i < s.x().length; i++) {
                int x1 = px(s.x()[i], xr);
                int y1 = py(s.y()[i], yr);
                if (s.points()) {
                    g.fillOval(x1 - 3, y1 - 3, 6, 6);
                } else if (i > 0) {
                    g.drawLine(px(s.x()[i - 1], xr), py(s.y()[i - 1], yr), x1, y1);
                }
            }
            int legendX = W - RIGHT - 30 - g.getFontMetrics().stringWidth(s.name());
            g.fillRect(legendX, TOP + 10 + 18 * si, 12, 12);
            g.setColor(Color.BLACK);
            g.drawString(s.name(), legendX + 18, TOP + 21 + 18 * si);
        }
        canvas.writePng(file);
    }

    private double[] range(boolean x) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double v : x ? s.x() : s.y()) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (!(lo <= hi)) {
            return new double[] {0, 1};
        }
        double pad = hi > lo ? 0.04 * (hi - lo) : Math.max(1e-9, Math.abs(hi) * 0.05 + 1e-9);
        return new double[] {lo - pad, hi + pad};
    }

    private static int px(double v, double[] r) {
        return LEFT + (int) Math.round((v - r[0]) / (r[1] - r[0]) * (W - LEFT - RIGHT));
    }

    private static int py(double v, double[] r) {
        return H - BOTTOM - (int) Math.round((v - r[0]) / (r[1] - r[0]) * (H - TOP - BOTTOM));
    }

    private static String fmt(double v) {
        return ChartCanvas.fmt(v);
    }
}
