package org.compofa.compare;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.compofa.data.Dataset;
import org.compofa.runtime.ComputeContext;

/**
 * The settings a comparison's artifacts were made with ({@code key,value} CSV). A rerun in the same
 * run directory must have the same ones, or its skipped steps would mix two experiments; the report
 * reads them back for its header and its noise estimate.
 *
 * @param values key to value, in a fixed order
 */
record RunDescription(Map<String, String> values) {
    private static final String HEADER = "key,value";

    RunDescription {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** The description of a comparison about to run. */
    static RunDescription of(ComparisonSettings s, ComputeContext ctx, Dataset train, Dataset test) {
        Map<String, String> m = new LinkedHashMap<>();
        var r = s.recipe();
        m.put("width", Double.toString(r.width()));
        m.put("batch", Integer.toString(r.batch()));
        m.put("teacher_epochs", Integer.toString(r.teacherEpochs()));
        m.put("compound_epochs", Integer.toString(r.compoundEpochs()));
        m.put("ofa_epochs", Integer.toString(s.ofaEpochs()));
        m.put("lr_scale", Double.toString(r.compoundLrScale()));
        m.put("training_resolutions", r.resolutions().tag());
        m.put("search_resolutions", s.searchResolutions().tag());
        m.put("seed", Long.toString(r.seed()));
        m.put("train_images", Integer.toString(train.size()));
        m.put("test_images", Integer.toString(test.size()));
        m.put("image_channels", Integer.toString(train.channels()));
        m.put("classes", Integer.toString(train.numClasses()));
        m.put("random_subnets", Integer.toString(s.randomSubnets()));
        m.put("recal_images", Integer.toString(s.recalImages()));
        List<String> platforms = new ArrayList<>();
        platforms.add(Platforms.platform(ctx, s.latencyBatch()).name());
        if (Comparison.isGpu(ctx)) {
            platforms.set(0, "cpu-b" + s.latencyBatch());
            platforms.add(Platforms.platform(ctx, s.gpuLatencyBatch()).name());
        }
        m.put("platforms", String.join(" ", platforms));
        m.put("latency_runs", s.latencyWarmup() + " warm-up + " + s.latencyRepeats() + " timed");
        m.put("budgets", Integer.toString(s.budgets()));
        m.put("evolution", s.evolution().toString().replace(',', ';'));
        m.put("predictor", s.predictor().toString().replace(',', ';'));
        m.put("backend", ctx.backend().name());
        return new RunDescription(m);
    }

    /** A value. @throws IllegalArgumentException naming the key when it is missing */
    String get(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("settings key '" + key + "' is missing");
        }
        return v;
    }

    /**
     * Writes the file, or checks an existing one has the same values.
     *
     * @throws IOException naming every key whose value differs
     */
    void writeOrCheck(Path file) throws IOException {
        if (Files.exists(file)) {
            RunDescription before = read(file);
            List<String> diff = new ArrayList<>();
            values.forEach((k, v) -> {
                if (!v.equals(before.values().get(k))) {
                    diff.add(k + " was " + before.values().get(k) + ", now " + v);
                }
            });
            if (!diff.isEmpty()) {
                throw new IOException(file + ": this run's comparison was made with other settings (" + String.join(
                        "; ", diff) + "); use another --run, the same settings, or delete " + file.getParent());
            }
            return;
        }
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        values.forEach((k, v) -> sb.append(k).append(',').append(v).append('\n'));
        org.compofa.report.AtomicFiles.write(file, sb);
    }

    /** Reads a file written by {@link #writeOrCheck}. */
    static RunDescription read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no comparison settings file");
        }
        List<String> lines = Files.readString(file, StandardCharsets.UTF_8).lines().toList();
        if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
            throw new IOException(file + ": not a comparison settings file (header must be '" + HEADER + "')");
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 1; i < lines.size(); i++) {
            int comma = lines.get(i).indexOf(',');
            if (comma < 1) {
                throw new IOException(file + ":" + (i + 1) + ": expected key,value");
            }
            m.put(lines.get(i).substring(0, comma), lines.get(i).substring(comma + 1));
        }
        return new RunDescription(m);
    }
}
