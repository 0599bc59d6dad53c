package org.compofa.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.compofa.data.Image;
import org.compofa.data.ImageFolderDataset;
import org.compofa.data.Preprocessing;
import org.compofa.data.ResizeCentreCropDataset;
import org.compofa.train.CheckpointStore;
import org.compofa.train.RecipeInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code compofa train} on an RGB image folder the test makes (3 classes, 80x60 px PNG and JPEG, so the
 * eval crop and the reference's augmentation apply): the teacher and compound phases, then evaluate
 * and export, with the measured normalisation stored in the run descriptor and in the checkpoints and
 * handed to the exported model.
 */
class OwnDataTrainingTest {
    private static final int RESOLUTION = 32;

    @Test
    void trainsEvaluatesAndExportsOnAnRgbFolder(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("images");
        makeFolder(data.resolve("train"), 6, 11);
        makeFolder(data.resolve("val"), 3, 12);
        String run = dir.resolve("run").toString();
        List<String> common = List.of("--data", data.toString(), "--width", "0.25", "--resolutions", "32",
                "--batch", "6", "--backend", "cpu", "--threads", "1");
        assertEquals(0, Main.run(args(List.of("train", "teacher", "--out", run, "--teacher-epochs", "1"), common)));

        RecipeInput input = RunInputFile.read(Path.of(run));
        assertEquals(Preprocessing.Resize.SHORT_SIDE_CENTRE_CROP, input.preprocessing().resize(), "80x60 > 64 px");
        assertEquals(List.of("a", "b", "c"), input.preprocessing().classNames());
        assertTrue(input.augmentation().randomResizedCrop() && input.augmentation().colorJitter());
        float[][] expected = naiveStatistics(data.resolve("train"));
        assertArrayEquals(expected[0], input.preprocessing().normalization().mean(), 1e-5f);
        assertArrayEquals(expected[1], input.preprocessing().normalization().std(), 1e-5f);
        var teacher = new CheckpointStore(Path.of(run, "teacher", "teacher"), "teacher", 2).latest().orElseThrow();
        assertEquals(input.preprocessing(), RecipeInput.preprocessingOf(teacher.checkpoint().attributes()));

        assertEquals(0, Main.run(args(List.of("train", "compound", "--out", run, "--compound-epochs", "2"), common)));
        assertEquals(0, Main.run(args(List.of("evaluate", "--run", run, "--recal-images", "12"), common)));
        assertTrue(Files.exists(Path.of(run, "evaluation", "accuracy.csv")));

        ByteArrayOutputStream text = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(text, true, StandardCharsets.UTF_8);
        assertEquals(0, Main.execute(out, out, args(List.of("export", "--run", run, "--subnet", "smallest",
                "--resolution", "32", "--out", dir.resolve("m").toString()), common)));
        assertTrue(text.toString(StandardCharsets.UTF_8).contains(input.at(RESOLUTION).toString()), text.toString());
        assertTrue(Files.size(dir.resolve("m.cmpf")) > 1000);
        assertNotEquals(0, Main.run(args(List.of("evaluate", "--run", run, "--mean", "0.5,0.5,0.5", "--std",
                "0.2,0.2,0.2"), common)), "a normalisation other than the run's is refused");
    }

    /** Per-channel mean and population std of every training image after the eval crop, two passes in double. */
    private static float[][] naiveStatistics(Path train) {
        ImageFolderDataset d = ImageFolderDataset.open(train, ImageFolderDataset.ColorMode.RGB);
        List<Image> images = new ArrayList<>();
        int side = ResizeCentreCropDataset.resizeSize(RESOLUTION);
        for (int i = 0; i < d.size(); i++) {
            images.add(ResizeCentreCropDataset.transform(d.image(i, side, side), RESOLUTION));
        }
        float[][] result = new float[2][3];
        for (int c = 0; c < 3; c++) {
            double sum = 0;
            long n = 0;
            for (Image image : images) {
                float[] p = image.pixels();
                for (int k = c; k < p.length; k += 3) {
                    sum += p[k];
                    n++;
                }
            }
            double mean = sum / n;
            double squares = 0;
            for (Image image : images) {
                float[] p = image.pixels();
                for (int k = c; k < p.length; k += 3) {
                    squares += (p[k] - mean) * (p[k] - mean);
                }
            }
            result[0][c] = (float) mean;
            result[1][c] = (float) Math.sqrt(squares / n);
        }
        return result;
    }

    /** Classes a, b, c with {@code perClass} 80x60 images each, alternately PNG and JPEG, tinted per class. */
    static void makeFolder(Path root, int perClass, long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        String[] classes = {"a", "b", "c"};
        for (int k = 0; k < classes.length; k++) {
            Path folder = Files.createDirectories(root.resolve(classes[k]));
            for (int i = 0; i < perClass; i++) {
                BufferedImage image = new BufferedImage(80, 60, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < 60; y++) {
                    for (int x = 0; x < 80; x++) {
                        int[] rgb = new int[3];
                        for (int c = 0; c < 3; c++) {
                            rgb[c] = Math.min(255, random.nextInt(150) + (c == k ? 100 : 0));
                        }
                        image.setRGB(x, y, rgb[0] << 16 | rgb[1] << 8 | rgb[2]);
                    }
                }
                String format = i % 2 == 0 ? "png" : "jpg";
                ImageIO.write(image, format, folder.resolve(i + "." + format).toFile());
            }
        }
    }

    static String[] args(List<String> head, List<String> tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(tail);
        return all.toArray(String[]::new);
    }
}
