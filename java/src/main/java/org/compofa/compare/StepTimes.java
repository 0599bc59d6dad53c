package org.compofa.compare;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.compofa.report.AtomicFiles;

/**
 * Wall seconds of the comparison's steps ({@code step,seconds} CSV), rewritten atomically after each
 * step and before that step's artifact, so an artifact that exists always has its time here. A
 * step resumed after a kill counts only its last run (a training step's own time comes from its
 * checkpoints instead, see {@link TrainingCost}).
 */
public final class StepTimes {
    private static final String HEADER = "step,seconds";

    private final Path file;
    private final Map<String, Double> seconds;

    private StepTimes(Path file, Map<String, Double> seconds) {
        this.file = file;
        this.seconds = seconds;
    }

    /**
     * The times in {@code file} (none when it does not exist yet).
     *
     * @param file the times file
     * @return the times
     * @throws IOException naming the file and line when it is malformed
     */
    public static StepTimes open(Path file) throws IOException {
        Map<String, Double> m = new LinkedHashMap<>();
        if (Files.exists(file)) {
            List<String> lines = Files.readString(file, StandardCharsets.UTF_8).lines().toList();
            if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
                throw new IOException(file + ": not a step-time file (header must be '" + HEADER + "')");
            }
            for (int i = 1; i < lines.size(); i++) {
                String[] f = lines.get(i).split(",", -1);
                try {
                    if (f.length != 2) {
                        throw new IllegalArgumentException(f.length + " fields; expected 2");
                    }
                    m.put(f[0], Double.parseDouble(f[1]));
                } catch (IllegalArgumentException e) {
                    throw new IOException(file + ":" + (i + 1) + ": " + e.getMessage(), e);
                }
            }
        }
        return new StepTimes(file, m);
    }

    /**
     * Sets a step's time and rewrites the file.
     *
     * @param step step name
     * @param wallSeconds its wall time in s
     * @throws java.io.IOException if the file cannot be written
     */
    public void record(String step, double wallSeconds) throws IOException {
        if (step.contains(",") || step.contains("\n") || !(wallSeconds >= 0)) {
            throw new IllegalArgumentException("step '" + step + "' (no commas) with seconds " + wallSeconds
                    + " >= 0 needed");
        }
        seconds.put(step, wallSeconds);
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        seconds.forEach((k, v) -> sb.append(k).append(',').append(String.format(Locale.ROOT, "%s", v)).append('\n'));
        AtomicFiles.write(file, sb);
    }

    /**
     * A recorded step's seconds.
     *
     * @param step a recorded step
     * @return its time in s
     * @throws IllegalArgumentException naming the step and the file when it was never recorded
     */
    public double seconds(String step) {
        Double s = seconds.get(step);
        if (s == null) {
            throw new IllegalArgumentException("no time for step '" + step + "' in " + file);
        }
        return s;
    }

    /**
     * Every recorded step, in recording order.
     *
     * @return step to seconds
     */
    public Map<String, Double> all() {
        return Collections.unmodifiableMap(seconds);
    }
}
