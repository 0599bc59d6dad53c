package org.compofa.bench;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.compofa.data.Augmentation;
import org.compofa.data.Batch;
import org.compofa.data.BatchLoader;
import org.compofa.data.DatasetException;
import org.compofa.data.Image;
import org.compofa.data.ImageDecoder;
import org.compofa.data.ImageFolderDataset;
import org.compofa.data.ImageFolderDataset.ColorMode;
import org.compofa.data.LoaderConfig;
import org.compofa.data.Normalization;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue #17's loader bar: images/s of 224 px training batches (flip, bilinear resize of the whole
 * image, ImageNet normalisation; {@link BatchLoader#batch}) from a folder of realistic JPEGs, per
 * decoder and thread count. The folder is written in setup: {@value #FILES} files of 500x375 at
 * quality 0.9 in 4 classes, each a seeded smooth pattern (waves over gradients) plus +-12-level noise,
 * encoded by ImageIO (4:2:0), about 60 kB each (an ImageNet photo is ~110 kB at this size).
 *
 * <p>Decoders: {@code imageio-per-pixel} is the loader as it was before (ImageIO, then one
 * {@code getRGB} per pixel; a copy of that code); {@code imageio} the bulk conversion; {@code turbo-full}
 * libjpeg-turbo at the stored size; {@code turbo-scaled} libjpeg-turbo with DCT scaling (5/8 here:
 * 313x235, still >= 224). Scores are images/s ({@code threads=1} is per core). Setup fails when
 * libturbojpeg is absent for the turbo rows.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 4, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@State(Scope.Benchmark)
public class ImageLoaderBenchmark {
    static final int FILES = 256;
    static final int BATCH = 32;
    static final int RESOLUTION = 224;

    /** Which decoder. */
    @Param({"imageio-per-pixel", "imageio", "turbo-full", "turbo-scaled"})
    public String decoder;

    /** Threads filling a batch. */
    @Param({"1", "2"})
    public int threads;

    private Path root;
    private BatchLoader loader;
    private int next;

    /** Writes the folder and opens the loader. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        root = Files.createTempDirectory("compofa-loader-bench");
        SplittableRandom seeds = new SplittableRandom(2026);
        for (int i = 0; i < FILES; i++) {
            Path dir = Files.createDirectories(root.resolve("class" + i % 4));
            Files.write(dir.resolve(String.format("img%04d.jpg", i)), jpeg(photo(500, 375, seeds.nextLong()), 0.9f));
        }
        ImageDecoder chosen = switch (decoder) {
            case "imageio-per-pixel" -> new PerPixelImageIo();
            case "imageio" -> ImageDecoder.imageIo();
            case "turbo-full" -> ImageDecoder.turboJpeg(false).orElseThrow(() -> new IllegalStateException("no libturbojpeg"));
            case "turbo-scaled" -> ImageDecoder.turboJpeg(true).orElseThrow(() -> new IllegalStateException("no libturbojpeg"));
            default -> throw new IllegalArgumentException(decoder);
        };
        LoaderConfig config = new LoaderConfig(BATCH, 7L, true, new Augmentation(0, true), Normalization.IMAGENET, true);
        loader = new BatchLoader(ImageFolderDataset.open(root, ColorMode.RGB, chosen), config, threads);
    }

    /** Deletes the folder. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** One batch of {@value #BATCH} images; the score is images/s. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Batch batch224() {
        int batches = loader.batchesPerEpoch();
        int i = next++;
        return loader.batch(i / batches, i % batches, RESOLUTION);
    }

    /** A smooth pattern (per channel a wave over a gradient) plus +-12 levels of uniform noise. */
    static BufferedImage photo(int width, int height, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        double[] phase = {random.nextDouble(6.3), random.nextDouble(6.3), random.nextDouble(6.3)};
        double[] freq = {0.02 + random.nextDouble(0.05), 0.02 + random.nextDouble(0.05), 0.02 + random.nextDouble(0.05)};
        int[] pixel = new int[3];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                for (int c = 0; c < 3; c++) {
                    double wave = 60 * Math.sin(x * freq[c] + y * 0.03 + phase[c]);
                    double ramp = 90.0 * (x + (c + 1) * y) / (width + (c + 1) * height);
                    pixel[c] = Math.clamp(Math.round(80 + ramp + wave) + random.nextInt(25) - 12, 0, 255);
                }
                image.getRaster().setPixel(x, y, pixel);
            }
        }
        return image;
    }

    static byte[] jpeg(BufferedImage image, float quality) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /** The decoder as it was before the bulk conversion: ImageIO.read, then getRGB per pixel. */
    static final class PerPixelImageIo implements ImageDecoder {
        @Override
        public String name() {
            return "imageio-per-pixel (the pre-#17 path)";
        }

        @Override
        public Image decode(Path file, byte[] content, ColorMode mode, int minHeight, int minWidth) {
            BufferedImage decoded;
            try {
                decoded = ImageIO.read(new ByteArrayInputStream(content));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (decoded == null) {
                throw new DatasetException(file, "no reader");
            }
            int h = decoded.getHeight();
            int w = decoded.getWidth();
            if (decoded.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY || mode != ColorMode.RGB) {
                throw new IllegalStateException("the benchmark writes RGB files and asks for RGB");
            }
            float[] out = new float[h * w * 3];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int rgb = decoded.getRGB(x, y);
                    int at = (y * w + x) * 3;
                    out[at] = (rgb >> 16 & 0xff) / 255f;
                    out[at + 1] = (rgb >> 8 & 0xff) / 255f;
                    out[at + 2] = (rgb & 0xff) / 255f;
                }
            }
            return new Image(h, w, 3, out);
        }
    }
}
