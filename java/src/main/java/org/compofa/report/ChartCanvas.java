package org.compofa.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * What every chart shares: a white 900 x 560 image with the title and the plot frame drawn, the
 * series palette, the number format of tick labels, and the atomic PNG write.
 */
final class ChartCanvas {
    static final int W = 900;
    static final int H = 560;
    static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
        new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b)};

    private final BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    private final Graphics2D g = img.createGraphics();

    /** A canvas with {@code title} and the frame of the plot area inside the given margins. */
    ChartCanvas(String title, int left, int top, int right, int bottom) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, left, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawRect(left, top, W - left - right, H - top - bottom);
    }

    /** The graphics to draw the chart's contents with. */
    Graphics2D graphics() {
        return g;
    }

    /** Encodes the image as PNG and writes it atomically. */
    void writePng(Path file) throws IOException {
        g.dispose();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(img, "png", png);
        AtomicFiles.write(file, png.toByteArray());
    }

    /** A tick label: 3 significant digits, scientific outside [0.01, 1e5). */
    static String fmt(double v) {
        double a = Math.abs(v);
        return a != 0 && (a < 0.01 || a >= 1e5) ? String.format(Locale.ROOT, "%.2e", v)
                : String.format(Locale.ROOT, a < 10 ? "%.3g" : "%.1f", v);
    }
}
