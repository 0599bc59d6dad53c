package org.compofa.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import org.compofa.data.Image;
import org.compofa.data.ImageFolderDataset.ColorMode;
import org.compofa.data.Preprocessing;
import org.compofa.export.ModelFile;
import org.compofa.export.OnnxExporter;
import org.compofa.nn.Network;
import org.compofa.nn.NetworkSpec;
import org.compofa.ops.KernelTransform;
import org.compofa.runtime.Backend;
import org.compofa.runtime.ComputeContext;
import org.compofa.space.MobileNetV3Geometry;
import org.compofa.space.Subnet;
import org.compofa.testing.BackendContexts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The predictor against independent paths: the ONNX export of the same subnet run in ONNX Runtime on
 * an input the test builds itself from the ONNX file's own {@code metadata_props} (per-pixel
 * {@code getRGB}, the recorded resize rule, mean and std), softmax against a naive one, batches and
 * threads against single calls, and a model file without preprocessing refused with the way out.
 */
class PredictorTest {
    @RegisterExtension
    static final BackendContexts contexts = new BackendContexts();

    @TempDir
    Path dir;

    static final List<String> NAMES = List.of("ant", "bee", "cat, domestic", "dog \"rex\"", "eel");

    /** A random 5-class w0.35 small-input supernet, with random BN statistics so the logits differ. */
    private static Network network(ComputeContext ctx) {
        var g = MobileNetV3Geometry.smallInput(0.35, 3, NAMES.size());
        Network net = new Network(ctx, NetworkSpec.supernet(g, 2, KernelTransform.OFA), 11);
        SplittableRandom rnd = new SplittableRandom(3);
        net.parameters().buffers().forEach((name, t) -> {
            float[] v = new float[(int) t.length()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (name.endsWith("var") ? 0.5 + rnd.nextDouble() : rnd.nextDouble() - 0.5);
            }
            t.copyFrom(v);
        });
        return net;
    }

    private static BufferedImage image(SplittableRandom rnd, int w, int h) {
        BufferedImage b = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = (int) (127 + 120 * Math.sin(x * 0.3 + y * 0.17)) & 0xff;
                b.setRGB(x, y, (v << 16) | (rnd.nextInt(256) << 8) | (255 - v));
            }
        }
        return b;
    }

    @Test
    void modelFilePredictionsMatchOnnxRuntimeFedFromTheOnnxMetadata() throws Exception {
        ComputeContext ctx = contexts.get(Backend.CPU);
        Subnet subnet;
        Path model = dir.resolve("m.cmpf");
        byte[] onnx;
        Preprocessing pre;
        try (Network net = network(ctx)) {
            subnet = net.largestSubnet(33);
            pre = Preprocessing.imagenet(33, NAMES);
            ModelFile.write(model, net, subnet, "test-space", pre);
            onnx = OnnxExporter.export(net, subnet, pre);
        }
        SplittableRandom rnd = new SplittableRandom(9);
        List<BufferedImage> images = List.of(image(rnd, 61, 45), image(rnd, 40, 77), image(rnd, 33, 33));
        List<Prediction> got;
        try (Predictor p = Predictor.load(model, ctx)) {
            assertEquals(pre, p.preprocessing(), "read back from the model file");
            got = p.predict(images);
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(onnx, new OrtSession.SessionOptions())) {
            Map<String, String> meta = s.getMetadata().getCustomMetadata();
            Preprocessing fromOnnx = Preprocessing.fromMetadata(meta);
            assertEquals(pre, fromOnnx, "metadata_props carry the preprocessing");
            assertTrue(meta.get("compofa.input.layout").startsWith("NCHW"));
            for (int i = 0; i < images.size(); i++) {
                float[] nchw = nchwFromMetadata(images.get(i), fromOnnx);
                try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(nchw), new long[] {1, 3, 33, 33});
                     OrtSession.Result r = s.run(Map.of(meta.get("compofa.input.name"), x))) {
                    float[] ort = ((float[][]) r.get(0).getValue())[0];
                    float[] ours = got.get(i).logits();
                    double scale = 0;
                    double err = 0;
                    for (int k = 0; k < ort.length; k++) {
                        scale = Math.max(scale, Math.abs(ort[k]));
                        err = Math.max(err, Math.abs(ort[k] - ours[k]));
                    }
                    // two engines, float32, the same input bits: agreement to float rounding of a deep net
                    assertTrue(err <= 1e-4 * Math.max(scale, 1e-3), "image " + i + ": |diff| " + err + " at " + scale);
                    double[] naive = new double[ours.length];
                    double sum = 0;
                    for (int k = 0; k < ours.length; k++) {
                        sum += Math.exp(ours[k]);
                    }
                    for (int k = 0; k < ours.length; k++) {
                        naive[k] = Math.exp(ours[k]) / sum;
                    }
                    assertArrayEquals(naive, got.get(i).probabilities(), 1e-12);
                    assertEquals(NAMES.get(argmax(ort)), got.get(i).best().name());
                }
            }
        }
    }

    /**
     * The input ONNX wants, built only from what the metadata says and the test's own pixel reading
     * (per-pixel getRGB / 255, RGB): the resize rule is the one step taken from the library
     * ({@link Preprocessing#apply} on [0, 1] pixels), as its own test checks it against torchvision.
     */
    private static float[] nchwFromMetadata(BufferedImage b, Preprocessing p) {
        int h = b.getHeight();
        int w = b.getWidth();
        float[] hwc = new float[h * w * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = b.getRGB(x, y);
                hwc[(y * w + x) * 3] = ((rgb >> 16) & 0xff) / 255f;
                hwc[(y * w + x) * 3 + 1] = ((rgb >> 8) & 0xff) / 255f;
                hwc[(y * w + x) * 3 + 2] = (rgb & 0xff) / 255f;
            }
        }
        Image in = p.apply(new Image(h, w, 3, hwc));
        int r = p.resolution();
        float[] nchw = new float[3 * r * r];
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < r * r; i++) {
                nchw[c * r * r + i] = in.pixels()[i * 3 + c];
            }
        }
        return nchw;
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            best = v[i] > v[best] ? i : best;
        }
        return best;
    }

    @Test
    void concurrentCallsEqualSingleCallsAndFilesEqualDecodedImages() throws Exception {
        ComputeContext ctx = contexts.get(Backend.CPU);
        try (Network net = network(ctx); Predictor p = Predictor.of(net, net.largestSubnet(32),
                Preprocessing.imagenet(32, NAMES))) {
            SplittableRandom rnd = new SplittableRandom(4);
            List<BufferedImage> images = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                images.add(image(rnd, 40 + i, 50 - i));
            }
            List<Prediction> batch = p.predict(images);
            ExecutorService pool = Executors.newFixedThreadPool(3);
            try {
                List<Future<Prediction>> futures = new ArrayList<>();
                for (BufferedImage b : images) {
                    futures.add(pool.submit(() -> p.predict(b)));
                }
                for (int i = 0; i < images.size(); i++) {
                    float[] one = futures.get(i).get().logits();
                    float[] inBatch = batch.get(i).logits();
                    for (int k = 0; k < one.length; k++) {
                        // one image vs a batch of 6: the same math, the GEMM may block differently
                        assertEquals(inBatch[k], one[k], 1e-5 * (1 + Math.abs(inBatch[k])), "image " + i);
                    }
                }
            } finally {
                pool.shutdown();
            }
            Path png = dir.resolve("x.png");
            ImageIO.write(images.get(2), "png", png.toFile());
            assertArrayEquals(p.predict(images.get(2)).logits(), p.predict(png).logits(), "PNG file = decoded image");
            assertEquals(List.of(), p.predictImages(List.of()));
        }
    }

    @Test
    void modelFileWithoutPreprocessingNeedsOneGiven() throws Exception {
        ComputeContext ctx = contexts.get(Backend.CPU);
        Path model = dir.resolve("old.cmpf");
        try (Network net = network(ctx)) {
            ModelFile.write(model, net, net.largestSubnet(32), "s");
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Predictor.load(model, ctx));
        assertTrue(e.getMessage().contains("carries no preprocessing"), e.getMessage());
        try (Predictor p = Predictor.load(model, ctx, Preprocessing.imagenet(32, List.of()))) {
            assertEquals("class 4", p.predict(image(new SplittableRandom(1), 32, 32)).top(5).stream()
                    .filter(s -> s.index() == 4).findFirst().orElseThrow().name());
        }
        assertThrows(IllegalArgumentException.class, () -> Predictor.load(model, ctx, Preprocessing.imagenet(31,
                List.of())), "resolution must match the subnet");
        assertThrows(IllegalArgumentException.class, () -> new Preprocessing(32, Preprocessing.Resize.STRETCH,
                ColorMode.GRAYSCALE, org.compofa.data.Normalization.IMAGENET, List.of()), "3 means for 1 channel");
    }
}
