package org.compofa.predict;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;
import org.compofa.data.Image;
import org.compofa.data.ImageDecoder;
import org.compofa.data.Preprocessing;
import org.compofa.export.ModelFile;
import org.compofa.nn.Network;
import org.compofa.nn.Pass;
import org.compofa.nn.Workspace;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.Layout;
import org.compofa.runtime.Tensor;
import org.compofa.space.Subnet;

/**
 * Classifies images with one subnet: {@code try (Predictor p = Predictor.load(Path.of("model.cmpf")))
 * { Prediction r = p.predict(Path.of("cat.jpg")); }}. The model file carries its preprocessing
 * (resize rule, channels, mean and std, class names: {@link Preprocessing}), so images of any size
 * go in as they are.
 *
 * <p>Thread-safe: calls from several threads are served one at a time (one network, one workspace
 * of activation memory); for parallel throughput give each thread its own predictor, or pass a
 * batch. {@link #close} frees what the predictor opened (the network and, with {@link #load(Path)},
 * the compute context); what it was given stays the caller's.
 */
public final class Predictor implements AutoCloseable {
    private final ComputeContext ctx;
    private final boolean ownsContext;
    private final Network network;
    private final boolean ownsNetwork;
    private final Subnet subnet;
    private final Preprocessing preprocessing;
    private final Workspace workspace;
    private boolean closed;

    private Predictor(ComputeContext ctx, boolean ownsContext, Network network, boolean ownsNetwork, Subnet subnet,
                      Preprocessing preprocessing) {
        this.ctx = ctx;
        this.ownsContext = ownsContext;
        this.network = network;
        this.ownsNetwork = ownsNetwork;
        this.subnet = subnet;
        this.preprocessing = preprocessing;
        this.workspace = new Workspace(ctx);
    }

    /**
     * A model file ({@code .cmpf}, written by {@code compofa export}) on the default backend (CUDA
     * when available, else the CPU; system property {@code compofa.backend} chooses).
     *
     * @param modelFile the {@code .cmpf} file
     * @return a predictor that owns its context; close it
     * @throws IOException a {@link org.compofa.export.ModelFileException} naming what is wrong with the
     *                     file, including a file without preprocessing (use
     *                     {@link #load(Path, ComputeContext, Preprocessing)})
     */
    public static Predictor load(Path modelFile) throws IOException {
        ComputeContext ctx = ComputeContext.select();
        try {
            return load(modelFile, ctx, null, true);
        } catch (IOException | RuntimeException e) {
            ctx.close();
            throw e;
        }
    }

    /**
     * {@link #load(Path)} on the caller's context (which stays open after {@link #close}).
     *
     * @param modelFile the {@code .cmpf} file
     * @param ctx       the context the network runs on; must outlive the predictor
     * @return a predictor; close it before {@code ctx}
     * @throws IOException a {@link org.compofa.export.ModelFileException} naming what is wrong with the file
     */
    public static Predictor load(Path modelFile, ComputeContext ctx) throws IOException {
        return load(modelFile, ctx, null, false);
    }

    /**
     * {@link #load(Path, ComputeContext)} with the preprocessing given, for a model file written
     * without it (or to override it).
     *
     * @param modelFile     the {@code .cmpf} file
     * @param ctx           the context the network runs on; must outlive the predictor
     * @param preprocessing how images are fed; must match the model's resolution and input channels
     * @return a predictor; close it before {@code ctx}
     * @throws IOException a {@link org.compofa.export.ModelFileException} naming what is wrong with the file
     */
    public static Predictor load(Path modelFile, ComputeContext ctx, Preprocessing preprocessing) throws IOException {
        return load(modelFile, ctx, Objects.requireNonNull(preprocessing, "preprocessing"), false);
    }

    private static Predictor load(Path file, ComputeContext ctx, Preprocessing given, boolean ownsContext)
            throws IOException {
        ModelFile.Model m = ModelFile.read(file, ctx);
        Preprocessing p = given != null ? given : m.preprocessing();
        try {
            if (p == null) {
                throw new IllegalArgumentException(file + " carries no preprocessing (written before model files "
                        + "had it): pass one, e.g. Preprocessing.imagenet(" + m.subnet().resolution() + ", names)");
            }
            check(m.network(), m.subnet(), p);
            return new Predictor(ctx, ownsContext, m.network(), true, m.subnet(), p);
        } catch (RuntimeException e) {
            m.network().close();
            throw e;
        }
    }

    /**
     * A predictor over {@code subnet} of the caller's {@code network} (a supernet or an extracted
     * subnet), which stays the caller's: close the predictor before the network.
     *
     * @param network       the weights and their context
     * @param subnet        the architecture that runs; its resolution must equal the preprocessing's
     * @param preprocessing how images are fed; its class names (if any) must match the network's outputs
     * @return a predictor sharing {@code network}
     * @throws IllegalArgumentException if the preprocessing does not fit the model
     */
    public static Predictor of(Network network, Subnet subnet, Preprocessing preprocessing) {
        check(network, subnet, preprocessing);
        return new Predictor(network.context(), false, network, false, subnet, preprocessing);
    }

    private static void check(Network network, Subnet subnet, Preprocessing p) {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(subnet, "subnet");
        Objects.requireNonNull(p, "preprocessing");
        var g = network.spec().geometry();
        if (p.resolution() != subnet.resolution() || p.color().channels() != g.inputChannels()) {
            throw new IllegalArgumentException("preprocessing " + p + " does not fit the model: " + subnet.resolution()
                    + " px, " + g.inputChannels() + " input channel(s)");
        }
        if (!p.classNames().isEmpty() && p.classNames().size() != g.numClasses()) {
            throw new IllegalArgumentException(p.classNames().size() + " class names for " + g.numClasses()
                    + " outputs");
        }
    }

    /**
     * How images are fed to the model.
     *
     * @return the preprocessing in use
     */
    public Preprocessing preprocessing() {
        return preprocessing;
    }

    /**
     * The subnet that runs.
     *
     * @return its architecture
     */
    public Subnet subnet() {
        return subnet;
    }

    /**
     * The prediction for an image file (JPEG or PNG; libjpeg-turbo when present).
     *
     * @param imageFile a JPEG or PNG file
     * @return its ranked classes
     * @throws IOException if the file cannot be read or decoded
     */
    public Prediction predict(Path imageFile) throws IOException {
        int side = preprocessing.minimumSide();
        Image decoded = ImageDecoder.preferred().decode(imageFile, readBounded(imageFile), preprocessing.color(), side,
                side);
        return predictImages(List.of(decoded)).getFirst();
    }

    /**
     * The prediction for a decoded image.
     *
     * @param image any size; resized by the preprocessing
     * @return its ranked classes
     */
    public Prediction predict(BufferedImage image) {
        return predict(List.of(image)).getFirst();
    }

    /**
     * Predictions for several images, run as one batch.
     *
     * @param images any sizes; resized by the preprocessing
     * @return one prediction per image, in order
     */
    public List<Prediction> predict(List<BufferedImage> images) {
        List<Image> decoded = new ArrayList<>(images.size());
        for (BufferedImage b : images) {
            decoded.add(Image.of(Objects.requireNonNull(b, "image"), preprocessing.color()));
        }
        return predictImages(decoded);
    }

    /**
     * Predictions for images already as floats in [0, 1] (HWC, the preprocessing's channels), run as
     * one batch: the preprocessing's resize and normalisation are applied here.
     *
     * @param images decoded images, any sizes
     * @return one prediction per image, in order (empty for none)
     * @throws IllegalStateException if the predictor is closed
     */
    public synchronized List<Prediction> predictImages(List<Image> images) {
        if (closed) {
            throw new IllegalStateException("predictor is closed");
        }
        if (images.isEmpty()) {
            return List.of();
        }
        int r = preprocessing.resolution();
        int c = preprocessing.color().channels();
        int per = r * r * c;
        float[] batch = new float[Math.multiplyExact(per, images.size())];
        for (int i = 0; i < images.size(); i++) {
            System.arraycopy(preprocessing.apply(images.get(i)).pixels(), 0, batch, i * per, per);
        }
        float[] logits;
        try (Tensor x = Tensor.of(ctx, Layout.NHWC, batch, images.size(), r, r, c); Pass pass = Pass.eval(workspace)) {
            logits = network.forward(pass, subnet, x).toArray();
        }
        int classes = network.spec().geometry().numClasses();
        List<String> names = IntStream.range(0, classes).mapToObj(preprocessing::className).toList();
        List<Prediction> out = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            float[] l = java.util.Arrays.copyOfRange(logits, i * classes, (i + 1) * classes);
            out.add(new Prediction(l, Prediction.softmax(logits, i * classes, classes), names));
        }
        return out;
    }

    private static byte[] readBounded(Path file) throws IOException {
        long size = Files.size(file);
        if (size > ImageDecoder.MAX_FILE_BYTES) {
            throw new IOException(file + ": " + size + " bytes; images of at most " + ImageDecoder.MAX_FILE_BYTES
                    + " are read");
        }
        return Files.readAllBytes(file);
    }

    /** Frees the workspace, and the network and context when this predictor opened them. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        workspace.close();
        if (ownsNetwork) {
            network.close();
        }
        if (ownsContext) {
            ctx.close();
        }
    }
}
