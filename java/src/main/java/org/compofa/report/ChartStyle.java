package org.compofa.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.math.BigDecimal;
import java.math.MathContext;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.TickUnits;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.text.TextUtils;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;

/**
 * What every chart shares: the output size, fonts readable at that size, a palette of colours that
 * stay apart (also for colour-blind readers: Okabe-Ito), one marker shape per series, tick units of
 * 1, 2 or 5 times a power of ten with locale-independent labels, and the legend under the plot.
 */
final class ChartStyle {
    static {
        // Charts render without a display; set before any AWT class is used, unless the caller chose.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        // JFreeChart draws rotated text (the y axis label) as glyph outlines by default, a workaround for
        // a JDK 1.3 bug; plain drawString keeps the label text in the SVG (and renders the same in PNG).
        TextUtils.setUseDrawRotatedStringWorkaround(false);
    }

    /** Output width in pixels (PNG) or user units (SVG). */
    static final int WIDTH = 900;
    /** Output height in pixels (PNG) or user units (SVG). */
    static final int HEIGHT = 560;
    static final Color[] PALETTE = {new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73),
        new Color(0xCC79A7), new Color(0xE69F00), new Color(0x56B4E9), new Color(0x000000)};
    static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 18);
    static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 15);
    static final Font TICK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    static final Font LEGEND_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    static final Color GRID = new Color(0xc0c0c0);
    static final Color MINOR_GRID = new Color(0xe8e8e8);
    /** The smallest and largest power of ten a tick unit may be (latencies in ms to step counts). */
    private static final int MIN_POWER = -9;
    private static final int MAX_POWER = 12;
    private static final int[] FACTORS = {1, 2, 5};
    /** At most this many tick intervals on a linear axis (fewer when the labels need the room). */
    static final int MAX_TICKS = 10;

    private ChartStyle() {
    }

    static Paint colour(int series) {
        return PALETTE[series % PALETTE.length];
    }

    /** Distinct marker shapes (circle, square, triangle, diamond, down-triangle), {@code s} px across. */
    static Shape marker(int series, double s) {
        double h = s / 2;
        return switch (series % 5) {
            case 0 -> new Ellipse2D.Double(-h, -h, s, s);
            case 1 -> new Rectangle2D.Double(-h + 0.5, -h + 0.5, s - 1, s - 1);
            case 2 -> polygon(0, -h - 1, h + 1, h, -h - 1, h);
            case 3 -> polygon(0, -h - 1, h + 1, 0, 0, h + 1, -h - 1, 0);
            default -> polygon(-h - 1, -h, h + 1, -h, 0, h + 1);
        };
    }

    static BasicStroke lineStroke() {
        return new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
    }

    /**
     * A linear axis over [lower, upper] with the chart fonts and round tick units: the smallest whose
     * labels do not overlap, but at least (upper - lower) / {@value #MAX_TICKS}, so a wide axis does not
     * get a label every few pixels (and at least 1 for whole numbers).
     */
    static NumberAxis numberAxis(String label, double lower, double upper, boolean wholeNumbers) {
        NumberAxis axis = new NumberAxis(label);
        double minUnit = Math.max((upper - lower) / MAX_TICKS, wholeNumbers ? 1 : 0);
        TickUnits units = new TickUnits();
        for (int p = MIN_POWER; p <= MAX_POWER; p++) {
            for (int f : FACTORS) {
                double size = f * Math.pow(10, p);
                if (size >= minUnit * (1 - 1e-9) || p == MAX_POWER) {
                    int minor = f == 2 ? 4 : 5;
                    units.add(new NumberTickUnit(size, tickFormat(p), wholeNumbers && size < minor ? 0 : minor));
                }
            }
        }
        axis.setStandardTickUnits(units);
        axis.setAutoRangeIncludesZero(false);
        axis.setRange(lower, upper);
        axis(axis);
        return axis;
    }

    /** Fonts of an axis's label and ticks. */
    static void axis(ValueAxis axis) {
        axis.setLabelFont(LABEL_FONT);
        axis.setTickLabelFont(TICK_FONT);
    }

    /** Background, grid, fonts and a legend under the plot, clear of the data. */
    static JFreeChart finish(JFreeChart chart, Plot plot, boolean legend) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.getTitle().setFont(TITLE_FONT);
        chart.setPadding(new RectangleInsets(8, 8, 8, 16));
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlinePaint(Color.GRAY);
        LegendTitle l = chart.getLegend();
        if (l != null && !legend) {
            chart.removeLegend();
        } else if (l != null) {
            l.setPosition(RectangleEdge.BOTTOM);
            l.setItemFont(LEGEND_FONT);
            l.setFrame(BlockBorder.NONE);
            l.setBackgroundPaint(Color.WHITE);
        }
        return chart;
    }

    /** True when {@code size} is 1, 2 or 5 times a power of ten (to 1e-9 relative). */
    static boolean isRoundTickSize(double size) {
        if (!(size > 0)) {
            return false;
        }
        double p = Math.pow(10, Math.floor(Math.log10(size) + 1e-12));
        double f = size / p;
        for (int k : FACTORS) {
            if (Math.abs(f - k) < 1e-9 * k) {
                return true;
            }
        }
        return false;
    }

    /** Numbers in tick labels: up to 6 decimals, grouped thousands, Locale.ROOT. */
    static NumberFormat valueFormat() {
        return new DecimalFormat("#,##0.######", DecimalFormatSymbols.getInstance(Locale.ROOT));
    }

    /** A number rounded to {@code digits} significant digits, plain (no exponent), Locale.ROOT. */
    static NumberFormat significantFormat(int digits) {
        return new DecimalFormat("0.#", DecimalFormatSymbols.getInstance(Locale.ROOT)) {
            @Override
            public StringBuffer format(double v, StringBuffer out, FieldPosition pos) {
                if (!Double.isFinite(v) || v == 0) {
                    return super.format(v, out, pos);
                }
                return out.append(new BigDecimal(v).round(new MathContext(digits)).stripTrailingZeros()
                        .toPlainString());
            }
        };
    }

    private static NumberFormat tickFormat(int power) {
        DecimalFormatSymbols root = DecimalFormatSymbols.getInstance(Locale.ROOT);
        if (power >= 7) {
            return new DecimalFormat("0.##E0", root);
        }
        return new DecimalFormat(power >= 0 ? "#,##0" : "0." + "0".repeat(-power), root);
    }

    private static Shape polygon(double... xy) {
        Path2D.Double p = new Path2D.Double();
        p.moveTo(xy[0], xy[1]);
        for (int i = 2; i < xy.length; i += 2) {
            p.lineTo(xy[i], xy[i + 1]);
        }
        p.closePath();
        return p;
    }
}
