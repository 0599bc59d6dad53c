package org.compofa.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.compofa.data.Preprocessing;
import org.compofa.export.ModelFile;
import org.compofa.nn.Network;
import org.compofa.nn.NetworkSpec;
import org.compofa.ops.KernelTransform;
import org.compofa.predict.Predictor;
import org.compofa.runtime.ComputeContext;
import org.compofa.space.MobileNetV3Geometry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's examples never rot: each {@code java} block of the README that names an example
 * file is that file's text (minus the package line and Javadoc), and each example runs here.
 */
class ExamplesTest {
    static final Path README = Path.of("..", "README.md");
    static final Path SOURCES = Path.of("src", "test", "java", "org", "compofa", "examples");

    @Test
    void readmeShowsTheExampleFilesVerbatim() throws Exception {
        String readme = Files.readString(README);
        Matcher m = Pattern.compile("<!-- example: (\\w+\\.java) -->\\n```java\\n(.*?)```", Pattern.DOTALL)
                .matcher(readme);
        int found = 0;
        while (m.find()) {
            String file = Files.readString(SOURCES.resolve(m.group(1)));
            assertEquals(body(file), m.group(2), m.group(1) + " differs from its README block");
            found++;
        }
        assertTrue(found >= 1, "the README names no example file");
    }

    /** The file from its first import on (the package line is not shown in the README). */
    static String body(String source) {
        return source.substring(source.indexOf("import "));
    }

    @Test
    void trainingExampleTrainsAndExportsAModelThePredictorReads(@TempDir Path dir) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isDirectory(
                org.compofa.data.FashionMnist.DEFAULT_DIRECTORY), "Fashion-MNIST not installed");
        Path out = dir.resolve("run");
        TrainingExample.main(new String[] {out.toString(), "512"});
        try (Predictor p = Predictor.load(out.resolve("largest.cmpf"))) {
            assertEquals(28, p.preprocessing().resolution());
            assertEquals(org.compofa.data.FashionMnist.CLASS_NAMES, p.preprocessing().classNames());
            BufferedImage shirt = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
            double total = p.predict(shirt).top(10).stream().mapToDouble(s -> s.probability()).sum();
            assertEquals(1.0, total, 1e-9);
        }
        assertTrue(Files.exists(out.resolve("teacher")), "the recipe's checkpoints");
    }

    @Test
    void inferenceExampleClassifiesAnImage(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("model.cmpf");
        List<String> names = List.of("apple", "banana", "cherry");
        try (ComputeContext ctx = ComputeContext.select();
             Network net = new Network(ctx, NetworkSpec.supernet(MobileNetV3Geometry.smallInput(0.35, 3, 3), 2,
                     KernelTransform.NONE), 5)) {
            ModelFile.write(model, net, net.largestSubnet(32), "example", Preprocessing.imagenet(32, names));
        }
        BufferedImage img = new BufferedImage(50, 40, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 50; x++) {
                img.setRGB(x, y, (x * 5) << 16 | (y * 6) << 8 | 77);
            }
        }
        Path jpg = dir.resolve("fruit.jpg");
        ImageIO.write(img, "jpg", jpg.toFile());
        PrintStream saved = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            InferenceExample.main(new String[] {model.toString(), jpg.toString()});
        } finally {
            System.setOut(saved);
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        String best;
        try (Predictor p = Predictor.load(model)) {
            best = p.predict(jpg).best().name();
        }
        assertTrue(out.contains(jpg + ":\n  " + best), out);
        assertEquals(3, out.lines().filter(l -> l.endsWith("%")).count(), out);
    }
}
