package org.compofa.search;

/**
 * Shape and training settings of the {@link AccuracyPredictor}.
 *
 * <p>{@link #ofa()} gives OFA's predictor (reference §6.2 and OFA issue #30): 3 hidden layers of
 * 400 ReLU units, Adam with learning rate 1e-3 and weight decay 1e-4 on an MSE loss. The reference
 * does not state epochs or batch size; 50 epochs of batch 256 are our choice.
 *
 * @param hiddenLayers  hidden layers (at least 1)
 * @param hiddenWidth   units per hidden layer (1 to 4096)
 * @param learningRate  Adam step size (finite, > 0)
 * @param weightDecay   L2 term added to the gradient, as {@code torch.optim.Adam} does (finite, >= 0)
 * @param epochs        passes over the training set (at least 1)
 * @param batchSize     subnets per Adam step (at least 1)
 * @param seed          seeds the initial weights and the shuffling
 */
public record PredictorConfig(int hiddenLayers, int hiddenWidth, double learningRate, double weightDecay,
                              int epochs, int batchSize, long seed) {
    /** Largest hidden width accepted (keeps a mistyped width from allocating gigabytes). */
    public static final int MAX_HIDDEN_WIDTH = 4096;

    /** Checks every setting and names the allowed range of the first bad one. */
    public PredictorConfig {
        if (hiddenLayers < 1 || hiddenLayers > 16) {
            throw new IllegalArgumentException("hidden layers " + hiddenLayers + ": allowed 1 to 16");
        }
        if (hiddenWidth < 1 || hiddenWidth > MAX_HIDDEN_WIDTH) {
            throw new IllegalArgumentException("hidden width " + hiddenWidth + ": allowed 1 to " + MAX_HIDDEN_WIDTH);
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate " + learningRate + ": must be finite and > 0");
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weight decay " + weightDecay + ": must be finite and >= 0");
        }
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs " + epochs + ": need at least 1");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size " + batchSize + ": need at least 1");
        }
    }

    /**
     * OFA's predictor with seed 0.
     *
     * @return the configuration
     */
    public static PredictorConfig ofa() {
        return new PredictorConfig(3, 400, 1e-3, 1e-4, 50, 256, 0L);
    }

    /**
     * This configuration with another number of epochs.
     *
     * @param newEpochs training epochs, &gt;= 1
     * @return a copy with that value
     */
    public PredictorConfig withEpochs(int newEpochs) {
        return new PredictorConfig(hiddenLayers, hiddenWidth, learningRate, weightDecay, newEpochs, batchSize, seed);
    }

    /**
     * This configuration with another seed.
     *
     * @param newSeed the random seed
     * @return a copy with that value
     */
    public PredictorConfig withSeed(long newSeed) {
        return new PredictorConfig(hiddenLayers, hiddenWidth, learningRate, weightDecay, epochs, batchSize, newSeed);
    }
}
