package org.compofa.report;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.text.NumberFormat;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTick;
import org.jfree.chart.axis.TickType;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;

/**
 * A log10 axis with a labelled tick at every power of ten ("0.01", "1", "100") and unlabelled minor
 * ticks (grid lines) at 2..9 times each. JFreeChart's {@link LogAxis} labels its ticks with attributed
 * strings, which an SVG can only hold as glyph outlines; plain text labels keep the SVG's numbers text.
 */
final class DecadeLogAxis extends LogAxis {
    private final NumberFormat format = ChartStyle.valueFormat();

    DecadeLogAxis(String label) {
        super(label);
        setBase(10);
    }

    @Override
    protected List refreshTicksVertical(Graphics2D g2, Rectangle2D dataArea, RectangleEdge edge) {
        TextAnchor anchor = edge == RectangleEdge.RIGHT ? TextAnchor.CENTER_LEFT : TextAnchor.CENTER_RIGHT;
        return ticks(anchor);
    }

    @Override
    protected List refreshTicksHorizontal(Graphics2D g2, Rectangle2D dataArea, RectangleEdge edge) {
        return ticks(edge == RectangleEdge.TOP ? TextAnchor.BOTTOM_CENTER : TextAnchor.TOP_CENTER);
    }

    private List<NumberTick> ticks(TextAnchor anchor) {
        List<NumberTick> ticks = new ArrayList<>();
        int first = (int) Math.floor(Math.log10(getLowerBound()) + 1e-9);
        int last = (int) Math.floor(Math.log10(getUpperBound()) + 1e-9);
        for (int k = first; k <= last; k++) {
            double decade = Math.pow(10, k);
            for (int m = 1; m <= 9; m++) {
                double v = m * decade;
                if (getRange().contains(v)) {
                    ticks.add(new NumberTick(m == 1 ? TickType.MAJOR : TickType.MINOR, v,
                            m == 1 ? format.format(v) : "", anchor, anchor, 0));
                }
            }
        }
        return ticks;
    }
}
