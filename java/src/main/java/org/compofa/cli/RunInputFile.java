package org.compofa.cli;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.compofa.data.Augmentation;
import org.compofa.data.Preprocessing;
import org.compofa.train.RecipeInput;

/**
 * The run descriptor {@code <run>/input.json}: what a run trained by {@code compofa train} on an
 * image folder (or with a preset or normalisation of its own) reads, so every later command on the
 * run (resumed training, evaluate, export, compare) feeds the network as training did. A
 * Fashion-MNIST run with the defaults has none (it reads {@link RecipeInput#FASHION}).
 */
final class RunInputFile {
    /** File name inside the run directory. */
    static final String NAME = "input.json";

    private RunInputFile() {
    }

    /** The stored input of the run in {@code dir}, or null when it has no descriptor. */
    static RecipeInput read(Path dir) {
        Path file = dir.resolve(NAME);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            if (Files.size(file) > 16L << 20) {
                throw new CommandFailedException(file + ": over 16 MiB, not a run descriptor");
            }
            Map<String, Object> m = JSON.std.mapFrom(Files.readString(file));
            Map<String, String> pre = new LinkedHashMap<>();
            m.forEach((k, v) -> pre.put(k, String.valueOf(v)));
            Preprocessing p = Preprocessing.fromMetadata(pre);
            if (p == null) {
                throw new IllegalArgumentException("no " + Preprocessing.PREFIX + "* entries");
            }
            Augmentation a = new Augmentation(Integer.parseInt(need(m, "augmentation.padding")),
                    Boolean.parseBoolean(need(m, "augmentation.flip")),
                    Double.parseDouble(need(m, "augmentation.min_crop_scale")),
                    Boolean.parseBoolean(need(m, "augmentation.color_jitter")));
            return new RecipeInput(need(m, "preset"), p, a);
        } catch (IOException | RuntimeException e) {
            if (e instanceof CommandFailedException c) {
                throw c;
            }
            throw new CommandFailedException(file + ": not a readable run descriptor (" + e.getMessage() + ")");
        }
    }

    /** Writes {@code input} as the descriptor of the run in {@code dir} (atomically, through a unique temp file). */
    static void write(Path dir, RecipeInput input) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("preset", input.preset());
        Augmentation a = input.augmentation();
        m.put("augmentation.padding", Integer.toString(a.padding()));
        m.put("augmentation.flip", Boolean.toString(a.horizontalFlip()));
        m.put("augmentation.min_crop_scale", Double.toString(a.minCropScale()));
        m.put("augmentation.color_jitter", Boolean.toString(a.colorJitter()));
        m.putAll(input.preprocessing().metadata());
        // A unique temporary per writer: every rank of a data-parallel job writes the same descriptor.
        org.compofa.report.AtomicFiles.write(dir.resolve(NAME),
                JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT).asString(m) + "\n");
    }

    private static String need(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v == null) {
            throw new IllegalArgumentException(key + " is missing");
        }
        return v.toString();
    }
}
