package org.compofa.search;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.compofa.space.SearchSpace;
import org.compofa.space.Subnet;

/**
 * OFA's accuracy predictor (reference §6.2, §11): an MLP over the {@link ArchitectureEncoding}
 * that predicts a subnet's top-1 (%) at its resolution, so evolutionary search can rank subnets
 * without evaluating them. Targets are scaled to [0, 1] for training (as OFA does), the output
 * bias starts at their mean, and training is Adam on the mean squared error over shuffled
 * mini-batches. Weights are fp32 and seeded: the same data and configuration give the same
 * predictor.
 *
 * <p>{@link #fit} is not thread-safe; after it, {@link #predict} may be called from many threads.
 */
public final class AccuracyPredictor implements ToDoubleFunction<Subnet> {
    private static final int PREDICT_CHUNK = 256;

    private final ArchitectureEncoding encoding;
    private final PredictorConfig config;
    private final Mlp mlp;
    private boolean fitted;

    /**
     * An untrained predictor for {@code space}'s subnets.
     *
     * @param space the space whose subnets it predicts
     * @param config layer shape and training settings
     */
    public AccuracyPredictor(SearchSpace space, PredictorConfig config) {
        this.encoding = new ArchitectureEncoding(space);
        this.config = Objects.requireNonNull(config, "config");
        int[] sizes = new int[config.hiddenLayers() + 2];
        java.util.Arrays.fill(sizes, config.hiddenWidth());
        sizes[0] = encoding.dimension();
        sizes[sizes.length - 1] = 1;
        this.mlp = new Mlp(sizes);
        mlp.initialise(new SplittableRandom(config.seed()));
    }

    /**
     * Trains on measured accuracies, continuing from the current weights (fresh ones for a new
     * predictor; the output bias is reset to the mean of {@code top1} first).
     *
     * @param subnets subnets of this predictor's space (at least 1)
     * @param top1    their top-1 in percent, each in [0, 100]
     * @return the mean squared error of the last epoch, in percent squared
     * @throws IllegalArgumentException for mismatched lengths, an empty set, a value outside [0, 100]
     *                                  or a subnet of another space
     */
    public double fit(List<Subnet> subnets, double[] top1) {
        Objects.requireNonNull(subnets, "subnets");
        Objects.requireNonNull(top1, "top1");
        if (subnets.isEmpty() || subnets.size() != top1.length) {
            throw new IllegalArgumentException(subnets.size() + " subnets and " + top1.length
                    + " accuracies: need the same number, at least 1");
        }
        int n = top1.length;
        int dim = encoding.dimension();
        float[] x = new float[n * dim];
        float[] y = new float[n];
        double mean = 0;
        for (int i = 0; i < n; i++) {
            if (!(top1[i] >= 0 && top1[i] <= 100)) {
                throw new IllegalArgumentException("accuracy " + i + " is " + top1[i] + ": top-1 must be in [0, 100] %");
            }
            encoding.encode(subnets.get(i), x, i * dim);
            y[i] = (float) (top1[i] / 100);
            mean += y[i];
        }
        mlp.setOutputBias((float) (mean / n));
        Adam adam = new Adam(mlp.params.length, config.learningRate(), config.weightDecay());
        SplittableRandom rnd = new SplittableRandom(config.seed() ^ 0x5DEECE66DL);
        int[] order = java.util.stream.IntStream.range(0, n).toArray();
        float[] grad = new float[mlp.params.length];
        double epochLoss = 0;
        for (int epoch = 0; epoch < config.epochs(); epoch++) {
            shuffle(order, rnd);
            epochLoss = 0;
            for (int start = 0; start < n; start += config.batchSize()) {
                int batch = Math.min(config.batchSize(), n - start);
                float[] bx = new float[batch * dim];
                float[] by = new float[batch];
                for (int j = 0; j < batch; j++) {
                    System.arraycopy(x, order[start + j] * dim, bx, j * dim, dim);
                    by[j] = y[order[start + j]];
                }
                java.util.Arrays.fill(grad, 0f);
                epochLoss += mlp.backward(mlp.forward(bx, batch), batch, by, grad) * batch;
                adam.step(mlp.params, grad);
            }
        }
        fitted = true;
        return epochLoss / n * 100 * 100;
    }

    /** Fisher-Yates with the caller's generator. */
    private static void shuffle(int[] a, SplittableRandom rnd) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /**
     * Predicted top-1 (%) of one subnet.
     *
     * @param subnet a subnet of the space
     * @return predicted top-1 in percent
     * @throws IllegalStateException before {@link #fit} or {@link #load}
     * @throws IllegalArgumentException for a subnet of another space
     */
    public double predict(Subnet subnet) {
        return predict(List.of(subnet))[0];
    }

    /**
     * Predicted top-1 (%) of each subnet, in order (see {@link #predict(Subnet)}).
     *
     * @param subnets subnets of the space
     * @return predicted top-1 in percent, one per subnet
     */
    public double[] predict(List<Subnet> subnets) {
        if (!fitted) {
            throw new IllegalStateException("the accuracy predictor is not trained: call fit or load first");
        }
        int dim = encoding.dimension();
        double[] out = new double[subnets.size()];
        for (int start = 0; start < out.length; start += PREDICT_CHUNK) {
            int batch = Math.min(PREDICT_CHUNK, out.length - start);
            float[] x = new float[batch * dim];
            for (int j = 0; j < batch; j++) {
                encoding.encode(subnets.get(start + j), x, j * dim);
            }
            float[][] acts = mlp.forward(x, batch);
            float[] y = acts[acts.length - 1];
            for (int j = 0; j < batch; j++) {
                out[start + j] = 100.0 * y[j];
            }
        }
        return out;
    }

    /** {@link #predict(Subnet)}, so the predictor can be given to a search as its accuracy function. */
    @Override
    public double applyAsDouble(Subnet subnet) {
        return predict(subnet);
    }

    /**
     * The input encoding (it names the space).
     *
     * @return the encoding
     */
    public ArchitectureEncoding encoding() {
        return encoding;
    }

    /**
     * The configuration it was built with.
     *
     * @return the configuration
     */
    public PredictorConfig config() {
        return config;
    }

    /**
     * Number of weights and biases (372,801 for OFA's 128-input predictor).
     *
     * @return the parameter count
     */
    public int parameterCount() {
        return mlp.params.length;
    }

    /**
     * Whether it has been trained or loaded.
     *
     * @return true once fitted or loaded
     */
    public boolean isFitted() {
        return fitted;
    }

    /**
     * Writes the trained weights atomically (format in {@link PredictorFile}).
     *
     * @param file where to write; replaced atomically
     * @throws IllegalStateException before {@link #fit}
     * @throws java.io.IOException if the file cannot be written
     */
    public void save(Path file) throws IOException {
        if (!fitted) {
            throw new IllegalStateException("the accuracy predictor is not trained: nothing to save");
        }
        PredictorFile.write(file, encoding.space().id(), mlp.sizes(), mlp.params);
    }

    /**
     * Loads a predictor saved by {@link #save} for {@code space}. Its {@link #config()} has the
     * file's layer shape and {@link PredictorConfig#ofa()}'s training settings (for further fits).
     *
     * @param file a file written by {@link #save}
     * @param space the space it must have been trained on
     * @return the loaded predictor
     * @throws IOException naming the file when it is missing, not a predictor, of another version or
     *                     space, truncated or corrupt
     */
    public static AccuracyPredictor load(Path file, SearchSpace space) throws IOException {
        PredictorFile.Contents c = PredictorFile.read(file, space.id(), new ArchitectureEncoding(space).dimension());
        int[] sizes = c.sizes();
        PredictorConfig cfg = PredictorConfig.ofa();
        cfg = new PredictorConfig(sizes.length - 2, sizes[1], cfg.learningRate(), cfg.weightDecay(), cfg.epochs(),
                cfg.batchSize(), cfg.seed());
        AccuracyPredictor p = new AccuracyPredictor(space, cfg);
        System.arraycopy(c.params(), 0, p.mlp.params, 0, p.mlp.params.length);
        p.fitted = true;
        return p;
    }
}
