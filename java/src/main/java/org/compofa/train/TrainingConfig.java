package org.compofa.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The hyper-parameters of one training phase (reference §5), validated at construction.
 *
 * <p>Learning rates are global: {@code initLr} is the reference's {@code init_lr = base_lr x
 * num_gpus}, reached after warm-up; {@code warmupLr} is where warm-up starts, which the reference
 * sets to the <em>per-GPU</em> {@code base_lr} (§10.11). The phase runs {@link #totalEpochs()} =
 * {@code warmupEpochs + epochs} epochs, the cosine part spanning {@code epochs}. Presets for the
 * reference recipes are in {@link TrainingPreset}; {@link EpochBudget} scales a recipe down.
 *
 * @param name phase name, used in run ids and file names ({@code [A-Za-z0-9._-]+})
 * @param epochs cosine epochs after warm-up (the reference's {@code n_epochs}), at least 1
 * @param warmupEpochs linear warm-up epochs before them, at least 0
 * @param initLr peak (post-warm-up) learning rate, finite and &gt; 0
 * @param warmupLr learning rate warm-up starts from, finite and &gt;= 0
 * @param sgd momentum, Nesterov and weight decay
 * @param labelSmoothing label smoothing of the cross-entropy, in [0, 1)
 * @param kdRatio weight of the distillation loss (0: no teacher), finite and &gt;= 0
 * @param batchSize global batch size (all workers together), at least 1
 * @param subnetsPerStep subnets sampled per optimizer step (gradients summed), at least 1
 * @param dropout dropout rate before the classifier, in [0, 1)
 * @param seed seed of all random choices of the run
 * @param resolutions input sizes a batch draws from, strictly ascending, each in [1, 4096]
 */
public record TrainingConfig(String name, int epochs, int warmupEpochs, double initLr, double warmupLr,
                             SgdConfig sgd, double labelSmoothing, double kdRatio, int batchSize,
                             int subnetsPerStep, double dropout, long seed, List<Integer> resolutions) {
    /** The reference's global batch: 32 GPUs x 64 (OFA) or 8 GPUs x 256 (CompOFA). */
    public static final int REFERENCE_BATCH = 2048;
    /** Training resolutions of the reference: 128, 132, ..., 224 (§3.7). */
    public static final List<Integer> REFERENCE_RESOLUTIONS =
            IntStream.rangeClosed(0, 24).mapToObj(i -> 128 + 4 * i).toList();

    /** Checks every field; the message names the field and what is allowed. */
    public TrainingConfig {
        if (name == null || !name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("phase name '" + name + "' must match [A-Za-z0-9._-]+");
        }
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs " + epochs + " must be >= 1");
        }
        if (warmupEpochs < 0) {
            throw new IllegalArgumentException("warm-up epochs " + warmupEpochs + " must be >= 0");
        }
        if (!Double.isFinite(initLr) || initLr <= 0) {
            throw new IllegalArgumentException("initial learning rate " + initLr + " must be finite and > 0");
        }
        if (!Double.isFinite(warmupLr) || warmupLr < 0) {
            throw new IllegalArgumentException("warm-up start learning rate " + warmupLr + " must be finite and >= 0");
        }
        if (sgd == null) {
            throw new IllegalArgumentException("optimizer config must not be null");
        }
        requireUnitInterval("label smoothing", labelSmoothing);
        if (!Double.isFinite(kdRatio) || kdRatio < 0) {
            throw new IllegalArgumentException("KD ratio " + kdRatio + " must be finite and >= 0 (0 = no teacher)");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size " + batchSize + " must be >= 1");
        }
        if (subnetsPerStep < 1) {
            throw new IllegalArgumentException("subnets per step " + subnetsPerStep + " must be >= 1");
        }
        requireUnitInterval("dropout", dropout);
        resolutions = List.copyOf(resolutions);
        if (resolutions.isEmpty()) {
            throw new IllegalArgumentException("resolutions must not be empty");
        }
        for (int i = 0; i < resolutions.size(); i++) {
            int r = resolutions.get(i);
            if (r < 1 || r > 4096 || (i > 0 && r <= resolutions.get(i - 1))) {
                throw new IllegalArgumentException("resolutions " + resolutions
                        + " must be strictly ascending, each in [1, 4096]");
            }
        }
    }

    private static void requireUnitInterval(String what, double v) {
        if (!(v >= 0 && v < 1)) {
            throw new IllegalArgumentException(what + " " + v + " must be in [0, 1)");
        }
    }

    /**
     * Epochs the phase runs: warm-up plus cosine.
     *
     * @return warm-up plus cosine epochs
     */
    public int totalEpochs() {
        return warmupEpochs + epochs;
    }

    /**
     * Subnet-epochs: {@link #totalEpochs()} x {@link #subnetsPerStep()} (a cost proxy, §5.3).
     *
     * @return total epochs times subnets per step
     */
    public long subnetEpochs() {
        return (long) totalEpochs() * subnetsPerStep;
    }

    /**
     * The per-iteration schedule of this phase for {@code batchesPerEpoch} batches an epoch.
     *
     * @param batchesPerEpoch batches in one epoch
     * @return the phase's learning rate schedule
     */
    public LearningRateSchedule schedule(int batchesPerEpoch) {
        return LearningRateSchedule.of(this, batchesPerEpoch);
    }

    /**
     * This config with another name.
     *
     * @param newName the phase name
     * @return a copy with that name
     */
    public TrainingConfig withName(String newName) {
        return new TrainingConfig(newName, epochs, warmupEpochs, initLr, warmupLr, sgd, labelSmoothing, kdRatio,
                batchSize, subnetsPerStep, dropout, seed, resolutions);
    }

    /**
     * This config with other epoch counts (learning rates unchanged).
     *
     * @param newEpochs cosine epochs
     * @param newWarmupEpochs warm-up epochs
     * @return a copy with those epoch counts
     */
    public TrainingConfig withEpochs(int newEpochs, int newWarmupEpochs) {
        return new TrainingConfig(name, newEpochs, newWarmupEpochs, initLr, warmupLr, sgd, labelSmoothing, kdRatio,
                batchSize, subnetsPerStep, dropout, seed, resolutions);
    }

    /**
     * This config with another seed.
     *
     * @param newSeed seed of the data order and subnet sampling
     * @return a copy with that seed
     */
    public TrainingConfig withSeed(long newSeed) {
        return new TrainingConfig(name, epochs, warmupEpochs, initLr, warmupLr, sgd, labelSmoothing, kdRatio,
                batchSize, subnetsPerStep, dropout, newSeed, resolutions);
    }

    /**
     * This config with other input sizes.
     *
     * @param newResolutions image sides in pixels
     * @return a copy with those resolutions
     */
    public TrainingConfig withResolutions(List<Integer> newResolutions) {
        return new TrainingConfig(name, epochs, warmupEpochs, initLr, warmupLr, sgd, labelSmoothing, kdRatio,
                batchSize, subnetsPerStep, dropout, seed, newResolutions);
    }

    /**
     * This config at another global batch size with both learning rates scaled linearly, the rule
     * the reference applies when it multiplies the per-GPU lr by the number of GPUs.
     *
     * @param newBatchSize global images per step
     * @return a copy with that batch size and scaled learning rates
     */
    public TrainingConfig withBatchSize(int newBatchSize) {
        if (newBatchSize < 1) {
            throw new IllegalArgumentException("batch size " + newBatchSize + " must be >= 1");
        }
        double f = (double) newBatchSize / batchSize;
        return new TrainingConfig(name, epochs, warmupEpochs, initLr * f, warmupLr * f, sgd, labelSmoothing, kdRatio,
                newBatchSize, subnetsPerStep, dropout, seed, resolutions);
    }

    /**
     * This config with both learning rates multiplied by {@code factor} (> 0).
     *
     * @param factor multiplier on both learning rates
     * @return a copy with scaled learning rates
     */
    public TrainingConfig withLrScale(double factor) {
        if (!(factor > 0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("learning-rate scale " + factor + " must be finite and > 0");
        }
        return new TrainingConfig(name, epochs, warmupEpochs, initLr * factor, warmupLr * factor, sgd,
                labelSmoothing, kdRatio, batchSize, subnetsPerStep, dropout, seed, resolutions);
    }

    /**
     * This phase alone scaled to {@code totalEpochs} epochs, keeping warm-up/cosine proportions.
     *
     * @param totalEpochs epochs of the scaled phase, warm-up included
     * @return a copy with scaled epoch counts
     */
    public TrainingConfig scaledTo(int totalEpochs) {
        return EpochBudget.scale(List.of(this), totalEpochs).get(0);
    }

    /**
     * Flat key/value form (checkpoint metadata); doubles in their exact shortest decimal form.
     *
     * @return the config as key/value strings
     */
    public Map<String, String> toProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("name", name);
        p.put("epochs", Integer.toString(epochs));
        p.put("warmup_epochs", Integer.toString(warmupEpochs));
        p.put("init_lr", Double.toString(initLr));
        p.put("warmup_lr", Double.toString(warmupLr));
        p.put("momentum", Double.toString(sgd.momentum()));
        p.put("nesterov", Boolean.toString(sgd.nesterov()));
        p.put("weight_decay", Double.toString(sgd.weightDecay().weightDecay()));
        p.put("no_decay_keys", sgd.weightDecay().keyString());
        p.put("label_smoothing", Double.toString(labelSmoothing));
        p.put("kd_ratio", Double.toString(kdRatio));
        p.put("batch_size", Integer.toString(batchSize));
        p.put("subnets_per_step", Integer.toString(subnetsPerStep));
        p.put("dropout", Double.toString(dropout));
        p.put("seed", Long.toString(seed));
        p.put("resolutions", resolutions.stream().map(String::valueOf).collect(Collectors.joining(",")));
        return p;
    }

    /**
     * Reads {@link #toProperties()}; a missing or malformed key is an {@link IllegalArgumentException}.
     *
     * @param p key/value strings from {@link #toProperties()}
     * @return the config they describe
     */
    public static TrainingConfig fromProperties(Map<String, String> p) {
        Props r = new Props(p);
        List<Integer> res = new ArrayList<>();
        for (String s : r.get("resolutions").split(",", -1)) {
            res.add(r.parseInt("resolutions", s));
        }
        SgdConfig sgd = new SgdConfig(r.dbl("momentum"), r.bool("nesterov"),
                WeightDecayPolicy.parse(r.dbl("weight_decay"), r.get("no_decay_keys")));
        return new TrainingConfig(r.get("name"), r.integer("epochs"), r.integer("warmup_epochs"), r.dbl("init_lr"),
                r.dbl("warmup_lr"), sgd, r.dbl("label_smoothing"), r.dbl("kd_ratio"), r.integer("batch_size"),
                r.integer("subnets_per_step"), r.dbl("dropout"), r.lng("seed"), res);
    }

    /** Typed reads from a property map with messages naming the key. */
    private record Props(Map<String, String> map) {
        String get(String key) {
            String v = map.get(key);
            if (v == null) {
                throw new IllegalArgumentException("training config key '" + key + "' is missing");
            }
            return v;
        }

        int integer(String key) {
            return parseInt(key, get(key));
        }

        int parseInt(String key, String v) {
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("training config key '" + key + "': '" + v + "' is not an integer");
            }
        }

        long lng(String key) {
            try {
                return Long.parseLong(get(key));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("training config key '" + key + "' is not a long integer");
            }
        }

        double dbl(String key) {
            try {
                return Double.parseDouble(get(key));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("training config key '" + key + "' is not a number");
            }
        }

        boolean bool(String key) {
            String v = get(key);
            if (!v.equals("true") && !v.equals("false")) {
                throw new IllegalArgumentException("training config key '" + key + "' must be true or false");
            }
            return Boolean.parseBoolean(v);
        }
    }
}
