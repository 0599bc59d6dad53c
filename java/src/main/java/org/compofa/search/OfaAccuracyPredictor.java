package org.compofa.search;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToDoubleFunction;
import org.compofa.io.torch.TorchCheckpoint;
import org.compofa.io.torch.TorchTensor;
import org.compofa.search.OfaPredictorFileException.Reason;
import org.compofa.space.SearchSpace;
import org.compofa.space.Subnet;

/**
 * OFA's released accuracy predictor for its ImageNet w1.0 supernet ({@code acc_predictor.pth}):
 * {@code nn.Sequential(Linear(128, 400), ReLU, Linear(400, 400), ReLU, Linear(400, 400), ReLU,
 * Linear(400, 1))} over {@link OfaTutorialEncoding}, imported from the PyTorch file so OFA's search
 * runs without training a predictor. Immutable and thread-safe.
 *
 * <p>Units: the network outputs top-1 as a fraction (e.g. 0.7999), which {@link #predictFraction}
 * returns as is; {@link #predict} and {@link #applyAsDouble} return percent (100 x the fraction, the
 * only place it is converted), the unit of {@link AccuracyPredictor}, {@link AccuracyTable},
 * {@link Candidate} and {@link EvolutionSearch}. Use in a search:
 * <pre>{@code
 * var predictor = OfaAccuracyPredictor.load(Path.of("acc_predictor.pth")).checkSpace(space);
 * new EvolutionSearch(platform, space, predictor, latencyMs, EvolutionConfig.ofa()).search(budgetMs);
 * }</pre>
 *
 * <p>Arithmetic: the float32 weights are used exactly, with every sum accumulated in double in a
 * fixed order, so a prediction is the same on every JVM and CPU; PyTorch's float32 forward differs
 * from it by rounding only (under 1e-7 on OFA's own 40 reference predictions).
 */
public final class OfaAccuracyPredictor implements ToDoubleFunction<Subnet> {
    /** Width of the hidden layers. */
    public static final int HIDDEN = 400;
    /** The state dict's keys, in the order torch writes them. */
    static final List<String> KEYS = List.of("0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias",
            "6.weight", "6.bias");
    /** The shape each of {@link #KEYS} must have. */
    private static final int[][] SHAPES = {{HIDDEN, OfaTutorialEncoding.DIMENSION}, {HIDDEN}, {HIDDEN, HIDDEN},
        {HIDDEN}, {HIDDEN, HIDDEN}, {HIDDEN}, {1, HIDDEN}, {1}};
    private static final int LAYERS = 4;

    /** Per layer the weights {@code [out, in]} row-major and the biases, as in the file. */
    private final float[][] weights = new float[LAYERS][];
    private final float[][] biases = new float[LAYERS][];

    private OfaAccuracyPredictor(Map<String, TorchTensor> stateDict) {
        for (int l = 0; l < LAYERS; l++) {
            weights[l] = stateDict.get(KEYS.get(2 * l)).floats().clone();
            biases[l] = stateDict.get(KEYS.get(2 * l + 1)).floats().clone();
        }
    }

    /**
     * Reads OFA's predictor from a PyTorch file (either format; a {@code state_dict} wrapper and
     * {@code module.} prefixes are accepted, see {@link TorchCheckpoint#stateDict}).
     *
     * @param file a PyTorch file holding OFA's predictor
     * @return the predictor
     * @throws org.compofa.io.torch.TorchCheckpointException when the file is not a readable PyTorch
     *                                                       state dict
     * @throws OfaPredictorFileException                     when it is one, but not of this predictor
     */
    public static OfaAccuracyPredictor load(Path file) throws IOException {
        return fromStateDict(file, TorchCheckpoint.stateDict(file));
    }

    /**
     * The predictor held by an already read state dict (e.g. by an importer that has checked
     * {@link #looksLikeOfaPredictor}); the tensors are copied. Requires exactly the keys
     * {@code 0.weight, 0.bias, 2.weight, ..., 6.bias}, each floating (float16/64 already converted),
     * of the 128-400-400-400-1 shapes, every value finite.
     *
     * @param source the file it came from, for messages
     * @param stateDict the tensors by name
     * @return the predictor
     * @throws OfaPredictorFileException naming the first missing or extra key, wrong shape, integer
     *                                   tensor or non-finite value
     */
    public static OfaAccuracyPredictor fromStateDict(Path source, Map<String, TorchTensor> stateDict)
            throws OfaPredictorFileException {
        Objects.requireNonNull(stateDict, "stateDict");
        if (!looksLikeOfaPredictor(stateDict)) {
            List<String> missing = new ArrayList<>(KEYS);
            missing.removeAll(stateDict.keySet());
            List<String> extra = new ArrayList<>(stateDict.keySet());
            extra.removeAll(KEYS);
            throw new OfaPredictorFileException(source, Reason.WRONG_KEYS, "missing " + missing + ", unexpected "
                    + (extra.size() > 8 ? extra.subList(0, 8) + " and " + (extra.size() - 8) + " more" : extra)
                    + "; OFA's predictor holds exactly " + KEYS);
        }
        for (int i = 0; i < KEYS.size(); i++) {
            String key = KEYS.get(i);
            TorchTensor t = stateDict.get(key);
            if (t == null || !t.isFloating()) {
                throw new OfaPredictorFileException(source, Reason.NOT_FLOATING, key + " is "
                        + (t == null ? "null" : t.sourceType()) + "; weights must be floating");
            }
            if (!Arrays.equals(t.shape(), SHAPES[i])) {
                throw new OfaPredictorFileException(source, Reason.SHAPE_MISMATCH, key + " has shape "
                        + Arrays.toString(t.shape()) + "; OFA's 128-400-400-400-1 predictor needs "
                        + Arrays.toString(SHAPES[i]));
            }
            float[] f = t.floats();
            for (int j = 0; j < f.length; j++) {
                if (!Float.isFinite(f[j])) {
                    throw new OfaPredictorFileException(source, Reason.NON_FINITE, key + " element " + j + " is "
                            + f[j]);
                }
            }
        }
        return new OfaAccuracyPredictor(stateDict);
    }

    /**
     * Whether a state dict has exactly the keys of OFA's predictor ({@code 0.weight} ... {@code
     * 6.bias}), which no supernet has: how an importer tells this file from a checkpoint. Shapes are
     * checked by {@link #fromStateDict}, which names what is wrong.
     *
     * @param stateDict tensors (or anything) by name
     * @return true when the key set matches
     */
    public static boolean looksLikeOfaPredictor(Map<String, ?> stateDict) {
        return stateDict.size() == KEYS.size() && stateDict.keySet().containsAll(KEYS);
    }

    /**
     * Checks that this predictor can encode every subnet of {@code space} (see
     * {@link OfaTutorialEncoding#checkSpace}), so a search fails before it starts rather than midway.
     *
     * @param space the space to be searched
     * @return this predictor
     * @throws IllegalArgumentException naming the choice of the space without an encoding
     */
    public OfaAccuracyPredictor checkSpace(SearchSpace space) {
        OfaTutorialEncoding.checkSpace(space);
        return this;
    }

    /**
     * The network's output for {@code subnet}: predicted top-1 as a fraction (OFA's unit).
     *
     * @param subnet a subnet with an OFA encoding
     * @return predicted top-1, as a fraction
     * @throws org.compofa.space.InvalidSubnetException for a subnet without an encoding (see
     *                                                  {@link OfaTutorialEncoding#ones})
     */
    public double predictFraction(Subnet subnet) {
        int[] ones = OfaTutorialEncoding.ones(subnet);
        int in = OfaTutorialEncoding.DIMENSION;
        double[] h = new double[HIDDEN];
        for (int o = 0; o < HIDDEN; o++) {
            double a = biases[0][o];
            for (int i : ones) {
                a += weights[0][o * in + i];
            }
            h[o] = Math.max(a, 0.0);
        }
        for (int l = 1; l < LAYERS; l++) {
            int out = biases[l].length;
            double[] next = new double[out];
            for (int o = 0; o < out; o++) {
                double a = biases[l][o];
                int row = o * HIDDEN;
                for (int i = 0; i < HIDDEN; i++) {
                    a += weights[l][row + i] * h[i];
                }
                next[o] = l < LAYERS - 1 ? Math.max(a, 0.0) : a;
            }
            h = next;
        }
        return h[0];
    }

    /**
     * Predicted top-1 in percent: 100 x {@link #predictFraction}.
     *
     * @param subnet a subnet with an OFA encoding
     * @return predicted top-1 in percent
     */
    public double predict(Subnet subnet) {
        return 100.0 * predictFraction(subnet);
    }

    /** {@link #predict(Subnet)} (percent), so the predictor can be a search's accuracy function. */
    @Override
    public double applyAsDouble(Subnet subnet) {
        return predict(subnet);
    }
}
