package org.compofa.cli;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.compofa.io.ofa.OfaImport;
import org.compofa.io.ofa.OfaSupernet;
import org.compofa.nn.BlockSpec;
import org.compofa.nn.NetworkSpec;
import org.compofa.space.MobileNetV3Geometry;
import org.compofa.space.SearchSpace;
import org.compofa.space.SearchSpaces;
import org.compofa.space.StageRule;
import org.compofa.space.StageTable;

/**
 * A run made by {@code compofa import}: {@code <run>/imported/run.json} (this descriptor) beside
 * {@code <run>/imported/supernet.pth} (a byte copy of the OFA / CompOFA checkpoint). The
 * post-training commands recognise a run by the descriptor ({@link #isImported}); everything else in
 * the run directory ({@code latency/}, {@code evaluation/}, {@code search/}, {@code export/}) is laid
 * out as for a Fashion-trained run.
 *
 * @param format     always {@link #FORMAT}
 * @param version    descriptor version, {@link #VERSION}
 * @param space      the search-space id ({@link SearchSpaces#fromId})
 * @param checkpoint the copied checkpoint's file name in {@code imported/} (letters, digits, {@code ._-},
 *                   not starting with a dot)
 * @param source     the name of the file imported (for the record only)
 * @param sha256     hex sha256 of the checkpoint, checked on every open
 * @param elastic    an elastic OFA supernet (else a static subnet)
 * @param classes    classifier outputs
 * @param matrices   the kernel-transform matrices it carries ({@code KernelMatrices} name)
 */
record ImportedRun(String format, int version, String space, String checkpoint, String source, String sha256,
                   boolean elastic, int classes, String matrices) {
    /** The descriptor's {@code format} value. */
    static final String FORMAT = "compofa-imported-run";
    /** Descriptor version written and read. */
    static final int VERSION = 1;
    /** Folder of an imported run holding the descriptor and the checkpoint. */
    static final String FOLDER = "imported";
    /** Descriptor file name in {@link #FOLDER}. */
    static final String DESCRIPTOR = "run.json";
    /** Name of the copied checkpoint in {@link #FOLDER}. */
    static final String CHECKPOINT = "supernet.pth";
    /** Width multipliers tried when naming a checkpoint's widths (OFA's and CompOFA's releases first). */
    static final List<Double> USUAL_WIDTHS = List.of(1.0, 1.2, 0.75, 0.5, 0.35, 1.25, 1.5, 2.0);
    /** A descriptor is a few hundred bytes; anything much larger is not ours. */
    private static final long MAX_DESCRIPTOR_BYTES = 64 * 1024;
    private static final JSON JSON_IO = JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT);

    /** The descriptor of an imported run, {@code <run>/imported/run.json}. */
    static Path descriptor(Path runDir) {
        return runDir.resolve(FOLDER).resolve(DESCRIPTOR);
    }

    /** Whether {@code runDir} holds an imported run (its descriptor exists). */
    static boolean isImported(Path runDir) {
        return Files.exists(descriptor(runDir));
    }

    /** The descriptor in {@code runDir}, checked (format, version, space id, names). */
    static ImportedRun read(Path runDir) throws IOException {
        Path file = descriptor(runDir);
        if (Files.size(file) > MAX_DESCRIPTOR_BYTES) {
            throw new IOException(file + ": " + Files.size(file) + " bytes, not an import descriptor (at most "
                    + MAX_DESCRIPTOR_BYTES + ")");
        }
        ImportedRun d;
        try {
            Map<String, Object> m = JSON_IO.mapFrom(Files.readString(file));
            d = new ImportedRun(text(m, "format"), m.get("version") instanceof Number v ? v.intValue() : -1,
                    text(m, "space"), text(m, "checkpoint"), text(m, "source"), text(m, "sha256"),
                    Boolean.TRUE.equals(m.get("elastic")), m.get("classes") instanceof Number c ? c.intValue() : 0,
                    text(m, "matrices"));
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + ": not an import descriptor (" + e.getMessage() + ")", e);
        }
        if (!FORMAT.equals(d.format) || d.version != VERSION || d.space == null || d.sha256 == null
                || d.checkpoint == null || !d.checkpoint.matches("[A-Za-z0-9_-][A-Za-z0-9._-]*")) {
            throw new IOException(file + ": not a version-" + VERSION + " " + FORMAT + " descriptor (format, version,"
                    + " space, checkpoint (a plain file name) and sha256 are required)");
        }
        try {
            SearchSpaces.fromId(d.space);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        return d;
    }

    /** Writes this descriptor atomically into {@code runDir}. */
    void write(Path runDir) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", format);
        m.put("version", version);
        m.put("space", space);
        m.put("checkpoint", checkpoint);
        m.put("source", source);
        m.put("sha256", sha256);
        m.put("elastic", elastic);
        m.put("classes", classes);
        m.put("matrices", matrices);
        org.compofa.report.AtomicFiles.write(descriptor(runDir), JSON_IO.asString(m) + "\n");
    }

    /** A string field of the descriptor, or null when absent or not a string. */
    private static String text(Map<String, Object> m, String key) {
        return m.get(key) instanceof String v ? v : null;
    }

    /** The search space of the run. */
    SearchSpace searchSpace() {
        return SearchSpaces.fromId(space);
    }

    /** The copied checkpoint in {@code runDir}. */
    Path checkpointFile(Path runDir) {
        return runDir.resolve(FOLDER).resolve(checkpoint);
    }

    /**
     * The checkpoint of the run, read after checking its sha256 against the descriptor's (a file
     * changed since the import is refused) and that the space still fits it.
     */
    OfaSupernet load(Path runDir) throws IOException {
        Path file = checkpointFile(runDir);
        String actual = sha256(file);
        if (!actual.equals(sha256)) {
            throw new IOException(file + ": sha256 " + actual + " differs from the import's " + sha256
                    + " (changed since `compofa import`; import it again into a new run)");
        }
        OfaSupernet net = OfaImport.read(file);
        List<String> misfits = misfits(searchSpace(), net.spec());
        if (!misfits.isEmpty()) {
            throw new IOException(file + ": space " + space + " does not fit it: " + String.join("; ", misfits));
        }
        return net;
    }

    /** Hex sha256 of a file, streamed. */
    static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** The usual width multiplier whose ImageNet widths ({@link StageTable#imagenet}) the network has, or null. */
    static Double usualWidth(NetworkSpec spec) {
        for (double w : USUAL_WIDTHS) {
            if (widthsDiffer(StageTable.imagenet(w), spec.geometry().table()) == null) {
                return w;
            }
        }
        return null;
    }

    /**
     * Why {@code space} cannot run on the stored network, one entry per problem (empty when it fits):
     * the space's width multiplier must give the stored widths, every stage must store as many slots
     * as the space's largest depth, and each of those slots a kernel and a middle width at least the
     * space's largest.
     */
    static List<String> misfits(SearchSpace space, NetworkSpec spec) {
        List<String> out = new ArrayList<>();
        String widths = widthsDiffer(StageTable.imagenet(space.widthMultiplier()), spec.geometry().table());
        if (widths != null) {
            out.add("its width multiplier w" + space.widthMultiplier() + " gives " + widths);
            return out;
        }
        if (space.stages() != spec.stages().size()) {
            out.add(space.stages() + " stages, the network has " + spec.stages().size());
            return out;
        }
        for (int s = 0; s < space.stages(); s++) {
            StageRule rule = space.rules().get(s);
            int depth = rule.depths().stream().mapToInt(Integer::intValue).max().orElseThrow();
            int kernel = rule.kernels().stream().mapToInt(Integer::intValue).max().orElseThrow();
            int expand = rule.depths().stream().flatMap(d -> rule.expands(d).stream())
                    .mapToInt(Integer::intValue).max().orElseThrow();
            List<BlockSpec> slots = spec.stages().get(s);
            if (slots.size() < depth) {
                out.add("stage " + (s + 1) + " stores " + slots.size() + " blocks, the space's depth goes to " + depth);
                continue;
            }
            for (BlockSpec b : slots.subList(0, depth)) {
                if (b.maxKernel() < kernel) {
                    out.add(b.name() + " stores kernel " + b.maxKernel() + ", the space needs " + kernel);
                }
                int mid = MobileNetV3Geometry.middleWidth(b.inChannels(), expand);
                if (b.maxMid() < mid) {
                    out.add(b.name() + " stores " + b.maxMid() + " middle channels, expand " + expand + " needs " + mid);
                }
            }
        }
        return out;
    }

    /** How {@code stored} differs from {@code expected} in its widths, or null when they agree. */
    private static String widthsDiffer(StageTable expected, StageTable stored) {
        List<Integer> want = widths(expected);
        List<Integer> have = widths(stored);
        return want.equals(have) ? null : "widths " + want + " (stem, first block, stages, final expand, feature mix)"
                + " but the network stores " + have;
    }

    private static List<Integer> widths(StageTable t) {
        List<Integer> w = new ArrayList<>(List.of(t.stemWidth(), t.firstBlockWidth()));
        t.stages().forEach(s -> w.add(s.width()));
        w.add(t.finalExpandWidth());
        w.add(t.featureMixWidth());
        return w;
    }
}
