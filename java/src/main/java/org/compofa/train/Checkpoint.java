package org.compofa.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A training checkpoint: who wrote it, where the run stood, the phase's config, free attributes and
 * the named arrays (weights, batch-norm statistics, optimizer buffers). Written and read by
 * {@link CheckpointFile}; kept and rotated by {@link CheckpointStore}.
 *
 * @param runId id of the run (non-empty, no control characters)
 * @param spaceId id of the search space the supernet belongs to (e.g. {@code compofa_mbv3_w1.0_r128-224})
 * @param state where to resume
 * @param config the phase's hyper-parameters
 * @param attributes free string metadata (e.g. {@code best_top1}), in insertion order
 * @param arrays the tensors in order, names unique
 */
public record Checkpoint(String runId, String spaceId, RunState state, TrainingConfig config,
                         Map<String, String> attributes, List<NamedArray> arrays) {
    /** Checks ids, copies the attribute map (keeping its order) and checks array names are unique. */
    public Checkpoint {
        requireText("run id", runId);
        requireText("space id", spaceId);
        if (state == null || config == null || attributes == null || arrays == null) {
            throw new IllegalArgumentException("checkpoint state, config, attributes and arrays must not be null");
        }
        Map<String, String> attrs = new LinkedHashMap<>();
        attributes.forEach((k, v) -> {
            requireText("attribute key", k);
            if (v == null) {
                throw new IllegalArgumentException("attribute '" + k + "' has a null value");
            }
            attrs.put(k, v);
        });
        attributes = Collections.unmodifiableMap(attrs);
        arrays = List.copyOf(arrays);
        Map<String, NamedArray> seen = new LinkedHashMap<>();
        for (NamedArray a : arrays) {
            if (seen.put(a.name(), a) != null) {
                throw new IllegalArgumentException("array name '" + a.name() + "' appears twice: names must be unique");
            }
        }
    }

    private static void requireText(String what, String s) {
        if (s == null || s.isEmpty() || s.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(what + " '" + s + "' must be non-empty without control characters");
        }
    }

    /**
     * The array with this name, if present.
     *
     * @param name the array's name
     * @return the array, or empty when there is none
     */
    public Optional<NamedArray> find(String name) {
        return arrays.stream().filter(a -> a.name().equals(name)).findFirst();
    }

    /**
     * Total number of float values over all arrays.
     *
     * @return the float count over all arrays
     */
    public long valueCount() {
        return arrays.stream().mapToLong(a -> a.values().length).sum();
    }
}
