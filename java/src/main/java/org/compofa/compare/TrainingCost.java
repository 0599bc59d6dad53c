package org.compofa.compare;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.compofa.report.AtomicFiles;
import org.compofa.train.PhaseResult;
import org.compofa.train.TrainingConfig;

/**
 * What training one supernet (or the teacher) cost, phase by phase: the schedule (epochs, subnets
 * per step, batches per epoch), the subnet-steps the trainer ran and the wall time it reported
 * (summed over resumed runs). Saved as a small CSV with a {@code # method=} line.
 *
 * @param method the method ({@code teacher}, {@code compofa}, {@code ofa})
 * @param phases its phases in training order (not empty)
 */
public record TrainingCost(String method, List<Phase> phases) {
    /** First line of the CSV form. */
    public static final String MAGIC = "# compofa training cost v1";
    private static final String HEADER = "phase,epochs,warmup_epochs,subnets_per_step,batches_per_epoch,"
            + "subnet_steps,wall_seconds";

    /**
     * One phase.
     *
     * @param name            phase name
     * @param epochs          cosine epochs
     * @param warmupEpochs    warm-up epochs
     * @param subnetsPerStep  subnets per optimizer step
     * @param batchesPerEpoch optimizer steps per epoch
     * @param subnetSteps     subnet forward+backward passes the trainer ran
     * @param wallSeconds     wall time of the phase
     */
    public record Phase(String name, int epochs, int warmupEpochs, int subnetsPerStep, int batchesPerEpoch,
                       long subnetSteps, double wallSeconds) {
        /** Checks the numbers. */
        public Phase {
            Objects.requireNonNull(name, "name");
            if (epochs < 1 || warmupEpochs < 0 || subnetsPerStep < 1 || batchesPerEpoch < 1 || subnetSteps < 0
                    || !(wallSeconds >= 0) || Double.isInfinite(wallSeconds)) {
                throw new IllegalArgumentException("phase " + name + ": epochs " + epochs + " >= 1, warm-up "
                        + warmupEpochs + " >= 0, subnets/step " + subnetsPerStep + " >= 1, batches/epoch "
                        + batchesPerEpoch + " >= 1, subnet-steps " + subnetSteps + " >= 0, wall " + wallSeconds
                        + " s finite >= 0 needed");
            }
        }

        /**
         * Subnet-steps the schedule asks for: all epochs x batches x subnets per step.
         *
         * @return the step count
         */
        public long scheduledSubnetSteps() {
            return (long) (epochs + warmupEpochs) * batchesPerEpoch * subnetsPerStep;
        }
    }

    /** Checks and copies. */
    public TrainingCost {
        if (method == null || !method.matches("[a-z0-9-]+")) {
            throw new IllegalArgumentException("method '" + method + "' must match [a-z0-9-]+");
        }
        phases = List.copyOf(phases);
        if (phases.isEmpty()) {
            throw new IllegalArgumentException("training cost of " + method + " needs at least one phase");
        }
    }

    /**
     * The cost of phases run with {@code configs} (same order) that reported {@code results}.
     *
     * @param method method name, for the table
     * @param configs the phase configurations
     * @param results each phase's result
     * @param batchesPerEpoch batches per epoch
     * @return the cost
     * @throws IllegalArgumentException when the lists differ in length or phase names
     */
    public static TrainingCost of(String method, List<TrainingConfig> configs, List<PhaseResult> results,
                                  int batchesPerEpoch) {
        if (configs.size() != results.size()) {
            throw new IllegalArgumentException(configs.size() + " configs but " + results.size() + " results");
        }
        List<Phase> out = new ArrayList<>();
        for (int i = 0; i < configs.size(); i++) {
            TrainingConfig c = configs.get(i);
            PhaseResult r = results.get(i);
            if (!c.name().equals(r.phase())) {
                throw new IllegalArgumentException("phase " + i + " is " + c.name() + " in the schedule but "
                        + r.phase() + " in the results");
            }
            out.add(new Phase(c.name(), c.epochs(), c.warmupEpochs(), c.subnetsPerStep(), batchesPerEpoch,
                    r.subnetSteps(), r.elapsedSeconds()));
        }
        return new TrainingCost(method, out);
    }

    /**
     * Wall seconds over all phases.
     *
     * @return wall time in s
     */
    public double wallSeconds() {
        return phases.stream().mapToDouble(Phase::wallSeconds).sum();
    }

    /**
     * Subnet-steps over all phases.
     *
     * @return the step count
     */
    public long subnetSteps() {
        return phases.stream().mapToLong(Phase::subnetSteps).sum();
    }

    /**
     * Epochs over all phases, warm-up included.
     *
     * @return the epoch count
     */
    public int epochs() {
        return phases.stream().mapToInt(p -> p.epochs() + p.warmupEpochs()).sum();
    }

    /**
     * Writes the CSV atomically.
     *
     * @param file the file to write
     * @throws java.io.IOException if it cannot be written
     */
    public void write(Path file) throws IOException {
        StringBuilder sb = new StringBuilder(MAGIC).append("\n# method=").append(method).append('\n')
                .append(HEADER).append('\n');
        for (Phase p : phases) {
            sb.append(String.format(Locale.ROOT, "%s,%d,%d,%d,%d,%d,%s%n", p.name(), p.epochs(), p.warmupEpochs(),
                    p.subnetsPerStep(), p.batchesPerEpoch(), p.subnetSteps(), p.wallSeconds()));
        }
        AtomicFiles.write(file, sb);
    }

    /**
     * Reads a file written by {@link #write}.
     *
     * @param file a file written by {@link #write}
     * @return the cost
     * @throws IOException naming the file (and line) when it is missing, foreign or malformed
     */
    public static TrainingCost read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such training cost file");
        }
        List<String> lines = Files.readString(file, StandardCharsets.UTF_8).lines().toList();
        if (lines.size() < 4 || !lines.get(0).equals(MAGIC) || !lines.get(1).startsWith("# method=")
                || !lines.get(2).equals(HEADER)) {
            throw new IOException(file + ": not a compofa training cost file (expected '" + MAGIC
                    + "', method, header)");
        }
        List<Phase> phases = new ArrayList<>();
        for (int i = 3; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",", -1);
            try {
                if (f.length != 7) {
                    throw new IllegalArgumentException(f.length + " fields; expected 7");
                }
                phases.add(new Phase(f[0], Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]),
                        Integer.parseInt(f[4]), Long.parseLong(f[5]), Double.parseDouble(f[6])));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ":" + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        try {
            return new TrainingCost(lines.get(1).substring("# method=".length()), phases);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }
}
