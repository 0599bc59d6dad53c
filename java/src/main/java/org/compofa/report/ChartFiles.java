package org.compofa.report;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.svg.SVGGraphics2D;

/**
 * Writes a chart twice: a PNG (for Markdown viewers and quick looks) and, beside it, an SVG of the
 * same drawing with the same name ({@code pareto.png} and {@code pareto.svg}; for papers and zooming).
 * Both are written through {@link AtomicFiles} (temporary sibling + rename, mode 0666 &amp; ~umask).
 * Rendering needs no display ({@code java.awt.headless} is set by {@code ChartStyle}).
 */
public final class ChartFiles {
    private ChartFiles() {
    }

    /**
     * Writes {@code chart} as {@code png} ({@value ChartStyle#WIDTH} x {@value ChartStyle#HEIGHT}) and as
     * the SVG {@link #svgBeside(Path)}.
     *
     * @param png the PNG file; its name must end in {@code .png}
     * @param chart the chart to draw
     * @return the SVG file written
     * @throws IllegalArgumentException when {@code png} does not end in {@code .png}
     * @throws java.io.IOException if a file cannot be written
     */
    public static Path write(JFreeChart chart, Path png) throws IOException {
        Path svg = svgBeside(png);
        AtomicFiles.write(png, png(chart));
        AtomicFiles.write(svg, svg(chart).getBytes(StandardCharsets.UTF_8));
        return svg;
    }

    /**
     * The SVG sibling of a PNG file: {@code x.png} -> {@code x.svg}.
     *
     * @param png a path ending in {@code .png}
     * @return the same path ending in {@code .svg}
     * @throws IllegalArgumentException when the name does not end in {@code .png}
     */
    public static Path svgBeside(Path png) {
        String name = png.getFileName() == null ? "" : png.getFileName().toString();
        if (!name.endsWith(".png") || name.length() == 4) {
            throw new IllegalArgumentException("chart file " + png + ": the name must end in .png (the SVG"
                    + " goes beside it as .svg)");
        }
        return png.resolveSibling(name.substring(0, name.length() - 4) + ".svg");
    }

    /** The chart as PNG bytes at the standard size. */
    static byte[] png(JFreeChart chart) throws IOException {
        BufferedImage img = new BufferedImage(ChartStyle.WIDTH, ChartStyle.HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            chart.draw(g, new Rectangle2D.Double(0, 0, ChartStyle.WIDTH, ChartStyle.HEIGHT));
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    /** The chart as a standalone SVG document at the standard size. */
    static String svg(JFreeChart chart) {
        SVGGraphics2D g = new SVGGraphics2D(ChartStyle.WIDTH, ChartStyle.HEIGHT);
        chart.draw(g, new Rectangle2D.Double(0, 0, ChartStyle.WIDTH, ChartStyle.HEIGHT));
        return g.getSVGDocument();
    }
}
