package org.compofa.train;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The key/value header of a checkpoint file: {@code run_id}, {@code space_id}, {@code state.*},
 * {@code config.*} ({@link TrainingConfig#toProperties()}) and {@code attr.*} (free attributes).
 * Keys this version does not know are ignored on read, so later writers may add some.
 */
final class CheckpointMetadata {
    private static final String CONFIG = "config.";
    private static final String ATTR = "attr.";

    private CheckpointMetadata() {
    }

    static Map<String, String> encode(Checkpoint ck) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("run_id", ck.runId());
        m.put("space_id", ck.spaceId());
        RunState s = ck.state();
        m.put("state.epoch", Integer.toString(s.epoch()));
        m.put("state.batch", Integer.toString(s.batchIndex()));
        m.put("state.step", Long.toString(s.globalStep()));
        m.put("state.seed", Long.toString(s.seed()));
        m.put("state.rng", Arrays.stream(s.rngState()).mapToObj(Long::toString).collect(Collectors.joining(",")));
        ck.config().toProperties().forEach((k, v) -> m.put(CONFIG + k, v));
        ck.attributes().forEach((k, v) -> m.put(ATTR + k, v));
        return m;
    }

    /** The checkpoint described by {@code m} with {@code arrays}; problems are {@link IllegalArgumentException}s. */
    static Checkpoint decode(Map<String, String> m, List<NamedArray> arrays) {
        Map<String, String> config = new LinkedHashMap<>();
        Map<String, String> attrs = new LinkedHashMap<>();
        m.forEach((k, v) -> {
            if (k.startsWith(CONFIG)) {
                config.put(k.substring(CONFIG.length()), v);
            } else if (k.startsWith(ATTR)) {
                attrs.put(k.substring(ATTR.length()), v);
            }
        });
        String rng = get(m, "state.rng");
        long[] words = rng.isEmpty() ? new long[0]
                : Arrays.stream(rng.split(",", -1)).mapToLong(w -> parseLong("state.rng", w)).toArray();
        RunState state = new RunState(Math.toIntExact(parseLong("state.epoch", get(m, "state.epoch"))),
                Math.toIntExact(parseLong("state.batch", get(m, "state.batch"))),
                parseLong("state.step", get(m, "state.step")), parseLong("state.seed", get(m, "state.seed")), words);
        return new Checkpoint(get(m, "run_id"), get(m, "space_id"), state, TrainingConfig.fromProperties(config),
                attrs, arrays);
    }

    private static String get(Map<String, String> m, String key) {
        String v = m.get(key);
        if (v == null) {
            throw new IllegalArgumentException("metadata key '" + key + "' is missing");
        }
        return v;
    }

    private static long parseLong(String key, String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("metadata key '" + key + "': '" + v + "' is not an integer");
        }
    }
}
