package org.compofa.compare;

import java.util.Objects;
import org.compofa.search.EvolutionConfig;
import org.compofa.search.PredictorConfig;
import org.compofa.space.ResolutionSet;
import org.compofa.train.FashionRecipe;

/**
 * What an OFA-vs-CompOFA {@link Comparison} runs with. Both methods share the recipe's data, engine,
 * teacher, seed, batch and lr scale; only their schedules differ.
 *
 * @param recipe            the recipe (run directory, width, batch, teacher and compound epochs, seed)
 * @param ofaEpochs         epochs of OFA's five progressive-shrinking phases together (at least 5)
 * @param searchResolutions resolutions at which subnets are evaluated, timed and searched (each one
 *                          of the recipe's training resolutions)
 * @param randomSubnets     random OFA subnets evaluated for the accuracy CDF and the predictor (>= 2)
 * @param recalImages       BN-recalibration images per evaluated subnet (>= 1)
 * @param latencyBatch      images per timed inference on the CPU (>= 1; the reference's CPU batch is 1)
 * @param gpuLatencyBatch   images per timed inference on a GPU (>= 1; the reference's GPU batch is 64)
 * @param latencyWarmup     untimed runs per latency entry (>= 0)
 * @param latencyRepeats    timed runs per latency entry (>= 1)
 * @param budgets           latency budgets per platform, spread over the compound subnets' range (>= 1)
 * @param evolution         OFA's evolutionary search settings (used on both spaces)
 * @param predictor         the OFA accuracy predictor's shape and training settings
 */
public record ComparisonSettings(FashionRecipe.Settings recipe, int ofaEpochs, ResolutionSet searchResolutions,
                                 int randomSubnets, int recalImages, int latencyBatch, int gpuLatencyBatch,
                                 int latencyWarmup,
                                 int latencyRepeats, int budgets, EvolutionConfig evolution,
                                 PredictorConfig predictor) {
    /** Epochs of the reference's OFA progressive shrinking after the teacher (125+25+125+25+125). */
    public static final int REFERENCE_OFA_EPOCHS = 425;
    /** Epochs of the reference's CompOFA compound training (25 + 125). */
    public static final int REFERENCE_COMPOFA_EPOCHS = 150;

    /** Checks every setting; the message names the bad one and what is allowed. */
    public ComparisonSettings {
        Objects.requireNonNull(recipe, "recipe");
        Objects.requireNonNull(searchResolutions, "searchResolutions");
        Objects.requireNonNull(evolution, "evolution");
        Objects.requireNonNull(predictor, "predictor");
        if (ofaEpochs < 5) {
            throw new IllegalArgumentException("OFA epochs " + ofaEpochs + ": need at least 5 (one per phase)");
        }
        for (int r : searchResolutions.values()) {
            if (!recipe.resolutions().contains(r)) {
                throw new IllegalArgumentException("search resolution " + r + " is not a training resolution: allowed "
                        + recipe.resolutions().values());
            }
        }
        if (randomSubnets < 2 || recalImages < 1 || budgets < 1) {
            throw new IllegalArgumentException("random subnets " + randomSubnets + " (>= 2), recalibration images "
                    + recalImages + " (>= 1) and budgets " + budgets + " (>= 1) needed");
        }
        if (latencyBatch < 1 || gpuLatencyBatch < 1 || latencyWarmup < 0 || latencyRepeats < 1) {
            throw new IllegalArgumentException("latency batches " + latencyBatch + " / " + gpuLatencyBatch
                    + " (>= 1), warm-up " + latencyWarmup
                    + " (>= 0) and repeats " + latencyRepeats + " (>= 1) needed");
        }
    }

    /**
     * The reference's OFA/CompOFA epoch ratio (425/150) applied to the compound epochs, at least 5.
     *
     * @param compoundEpochs CompOFA's compound epochs
     * @return OFA's epochs, &gt;= 5
     */
    public static int defaultOfaEpochs(int compoundEpochs) {
        return Math.max(5, (int) Math.round(compoundEpochs * (double) REFERENCE_OFA_EPOCHS / REFERENCE_COMPOFA_EPOCHS));
    }

    /**
     * Defaults: OFA epochs by the reference ratio, every training resolution, 200 random subnets,
     * OFA's 2000 recalibration images, latency at batch 1 on the CPU and 64 on a GPU with 3 + 10
     * runs, 5 budgets, OFA's evolution
     * and predictor settings, both seeded by the recipe's seed.
     *
     * @param recipe the training recipe
     * @return the settings
     */
    public static ComparisonSettings defaults(FashionRecipe.Settings recipe) {
        return new ComparisonSettings(recipe, defaultOfaEpochs(recipe.compoundEpochs()), recipe.resolutions(), 200,
                2000, 1, 64, 3, 10, 5, EvolutionConfig.ofa().withSeed(recipe.seed()),
                PredictorConfig.ofa().withSeed(recipe.seed()));
    }
}
