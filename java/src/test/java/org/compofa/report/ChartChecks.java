package org.compofa.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.entity.LegendItemEntity;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/** What the chart tests check on written files: a readable PNG of the right size, a well-formed SVG. */
final class ChartChecks {
    private ChartChecks() {
    }

    /** Draws {@code chart} at the output size and returns where its data area fell. */
    static Rectangle2D dataArea(JFreeChart chart) {
        return draw(chart).getPlotInfo().getDataArea();
    }

    /** Where the legend's items were drawn (empty when there is no legend). */
    static List<Rectangle2D> legendItems(JFreeChart chart) {
        List<Rectangle2D> out = new ArrayList<>();
        for (Object e : draw(chart).getEntityCollection().getEntities()) {
            if (e instanceof LegendItemEntity l) {
                out.add(l.getArea().getBounds2D());
            }
        }
        return out;
    }

    private static ChartRenderingInfo draw(JFreeChart chart) {
        BufferedImage img = new BufferedImage(ChartStyle.WIDTH, ChartStyle.HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        ChartRenderingInfo info = new ChartRenderingInfo();
        chart.draw(g, new Rectangle2D.Double(0, 0, ChartStyle.WIDTH, ChartStyle.HEIGHT), info);
        g.dispose();
        return info;
    }

    /** Reads the PNG, checks its size, and returns it. */
    static BufferedImage png(Path file) throws IOException {
        BufferedImage img = ImageIO.read(file.toFile());
        assertNotNull(img, file + " is a PNG ImageIO reads");
        assertEquals(ChartStyle.WIDTH, img.getWidth(), "PNG width");
        assertEquals(ChartStyle.HEIGHT, img.getHeight(), "PNG height");
        return img;
    }

    /** Pixels inside {@code area} within a small distance of {@code colour} (antialiased edges blend). */
    static int pixelsOf(BufferedImage img, Rectangle2D area, Color colour) {
        int n = 0;
        for (int y = (int) Math.ceil(area.getMinY()); y < (int) area.getMaxY(); y++) {
            for (int x = (int) Math.ceil(area.getMinX()); x < (int) area.getMaxX(); x++) {
                Color c = new Color(img.getRGB(x, y));
                if (Math.abs(c.getRed() - colour.getRed()) + Math.abs(c.getGreen() - colour.getGreen())
                        + Math.abs(c.getBlue() - colour.getBlue()) <= 24) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Parses the SVG with the JDK's XML parser (no DTDs, no external entities) and returns its texts. */
    static List<String> svgTexts(Path file) throws IOException {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            // JFreeSVG writes the SVG 1.1 DOCTYPE: keep it, but fetch no DTD and expand no entities.
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            f.setExpandEntityReferences(false);
            f.setNamespaceAware(true);
            Document doc = f.newDocumentBuilder().parse(file.toFile());
            assertEquals("svg", doc.getDocumentElement().getLocalName(), "root element");
            NodeList texts = doc.getElementsByTagNameNS("*", "text");
            List<String> out = new ArrayList<>();
            for (int i = 0; i < texts.getLength(); i++) {
                out.add(texts.item(i).getTextContent());
            }
            assertFalse(out.isEmpty(), "the SVG keeps its labels as text");
            return out;
        } catch (ParserConfigurationException | SAXException e) {
            throw new AssertionError(file + " is not well-formed XML: " + e.getMessage(), e);
        }
    }

    /** Both files exist with the SVG beside the PNG, and nothing else (no temporary) is in the folder. */
    static void onlyPngAndSvg(Path png) throws IOException {
        Path svg = ChartFiles.svgBeside(png);
        assertTrue(Files.isRegularFile(png), png + " written");
        assertTrue(Files.isRegularFile(svg), svg + " written");
        try (var s = Files.list(png.getParent())) {
            assertEquals(0, s.filter(p -> p.getFileName().toString().endsWith(AtomicFiles.TEMP_SUFFIX)).count(),
                    "no temporary sibling left");
        }
    }
}
