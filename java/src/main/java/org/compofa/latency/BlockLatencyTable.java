package org.compofa.latency;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.compofa.nn.ForwardPiece;
import org.compofa.report.AtomicFiles;
import org.compofa.space.BlockShape;
import org.compofa.space.MobileNetV3Geometry;
import org.compofa.space.Subnet;
import org.compofa.space.TableLayout;

/**
 * A per-block latency lookup table (OFA's efficiency predictor): the median time of each piece of a
 * forward pass, measured inside real timed passes ({@link org.compofa.nn.Network#forwardTimed}), so
 * a subnet's latency is predicted as stem + its active blocks + head, for spaces too large to time
 * subnet by subnet (the OFA space, the elastic-kernel CompOFA space).
 *
 * <p>Decisions: a piece is keyed by {@link ForwardPiece} (position, the side of the feature map it
 * reads, kernel, middle width), so every resolution that feeds a block the same input shares one
 * entry; the batch is the {@link Platform}'s, one per table, as in {@link LatencyTable}. The model
 * ignores what a whole pass saves over its parts (no synchronisation between blocks, cache reuse)
 * and what it adds; {@link LatencyModelError} reports how far that takes it from measured tables.
 *
 * <p>Saved as CSV with {@code # key=value} metadata lines (space the covering subnets came from,
 * platform, and the geometry, which {@link #read} checks because it decides the keys), written
 * through a temporary file.
 */
public final class BlockLatencyTable {
    /** First line of the CSV form. */
    public static final String MAGIC = "# compofa block latency table v1";
    static final List<String> COLUMNS = List.of("piece", "input_size", "kernel", "mid_channels", "median_ms",
            "samples");
    private static final List<String> META_KEYS = List.of("space", "platform", "device", "software", "batch",
            "threads", "geometry");
    private static final Pattern BLOCK_LABEL = Pattern.compile("stage([1-9][0-9]*)\\.block([1-9][0-9]*)");

    /**
     * One piece's measurement.
     *
     * @param medianMs median time in milliseconds (outliers dropped as in {@link LatencyStats})
     * @param samples  timed runs behind the median, >= 1
     */
    public record Entry(double medianMs, int samples) {
        /** Checks the values. */
        public Entry {
            if (!(medianMs >= 0) || !Double.isFinite(medianMs) || samples < 1) {
                throw new IllegalArgumentException("entry " + medianMs + " ms from " + samples
                        + " samples: need a finite median >= 0 and samples >= 1");
            }
        }
    }

    private final String spaceId;
    private final Platform platform;
    private final MobileNetV3Geometry geometry;
    private final Map<ForwardPiece, Entry> entries;

    /**
     * A table of {@code entries} (copied, order kept).
     *
     * @param spaceId  the space whose covering subnets were timed (informative: any subnet whose pieces
     *                 are present can be predicted)
     * @param platform where, and at which batch
     * @param geometry the network geometry, which maps a subnet to its pieces
     * @param entries piece to measurement
     */
    public BlockLatencyTable(String spaceId, Platform platform, MobileNetV3Geometry geometry,
                             Map<ForwardPiece, Entry> entries) {
        this.spaceId = Objects.requireNonNull(spaceId, "spaceId");
        this.platform = Objects.requireNonNull(platform, "platform");
        this.geometry = Objects.requireNonNull(geometry, "geometry");
        this.entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        if (this.entries.isEmpty()) {
            throw new IllegalArgumentException("a block latency table needs at least one entry");
        }
    }

    /**
     * The space whose subnets were timed.
     *
     * @return the space id
     */
    public String spaceId() {
        return spaceId;
    }

    /**
     * Where it was measured.
     *
     * @return the platform
     */
    public Platform platform() {
        return platform;
    }

    /**
     * The geometry the keys belong to.
     *
     * @return the geometry
     */
    public MobileNetV3Geometry geometry() {
        return geometry;
    }

    /**
     * Piece to measurement, in measurement order.
     *
     * @return the entries
     */
    public Map<ForwardPiece, Entry> entries() {
        return entries;
    }

    /**
     * The pieces a pass of {@code subnet} runs, in order: stem, each active block, head. Derived
     * from the geometry alone (no network needed).
     *
     * @param subnet a subnet of the geometry
     * @return the pieces, in execution order
     */
    public List<ForwardPiece> pieces(Subnet subnet) {
        List<BlockShape> shapes = geometry.blocks(subnet);
        List<ForwardPiece> pieces = new ArrayList<>();
        pieces.add(ForwardPiece.stem(subnet.resolution()));
        int i = 1; // shapes.get(0) is the first block, part of the stem
        for (int s = 0; s < subnet.stages(); s++) {
            for (int b = 0; b < subnet.depth(s); b++) {
                BlockShape shape = shapes.get(i++);
                pieces.add(ForwardPiece.block(s, b, shape.inputSize(), shape.kernel(), shape.midChannels()));
            }
        }
        int[] sizes = geometry.spatialSizes(subnet.resolution());
        pieces.add(ForwardPiece.head(sizes[sizes.length - 1]));
        return pieces;
    }

    /**
     * The median time of one piece.
     *
     * @param piece a piece of the table
     * @return median in ms
     * @throws IllegalArgumentException naming the piece when the table lacks it
     */
    public double medianMs(ForwardPiece piece) {
        Entry e = entries.get(piece);
        if (e == null) {
            throw new IllegalArgumentException("the block latency table (" + spaceId + " on " + platform.name()
                    + ", " + entries.size() + " entries) has no entry for " + piece.describe());
        }
        return e.medianMs();
    }

    /**
     * Predicted latency of {@code subnet}: the sum of the medians of {@link #pieces}.
     *
     * @param subnet a subnet of the geometry
     * @return predicted latency in ms
     * @throws IllegalArgumentException naming the subnet and the first piece the table lacks
     */
    public double predictMs(Subnet subnet) {
        double sum = 0;
        for (ForwardPiece p : pieces(subnet)) {
            if (!entries.containsKey(p)) {
                throw new IllegalArgumentException("cannot predict " + subnet.id() + ": the block latency table ("
                        + spaceId + " on " + platform.name() + ") has no entry for " + p.describe());
            }
            sum += entries.get(p).medianMs();
        }
        return sum;
    }

    /**
     * Writes the CSV atomically.
     *
     * @param csv the file to write
     * @throws java.io.IOException if it cannot be written
     */
    public void write(Path csv) throws IOException {
        List<String> rows = entries.entrySet().stream().map(x -> String.format(Locale.ROOT, "%s,%d,%d,%d,%s,%d",
                x.getKey().label(), x.getKey().inputSize(), x.getKey().kernel(), x.getKey().midChannels(),
                x.getValue().medianMs(), x.getValue().samples())).toList();
        AtomicFiles.write(csv, TableFile.text(MAGIC, metadata(), COLUMNS, rows));
    }

    private Map<String, String> metadata() {
        Map<String, String> m = TableFile.metadata(spaceId, platform);
        m.put("geometry", describe(geometry));
        return m;
    }

    /** One line that changes whenever the geometry changes the pieces' keys or costs. */
    static String describe(MobileNetV3Geometry g) {
        return g.table() + " inputChannels=" + g.inputChannels() + " numClasses=" + g.numClasses();
    }

    /**
     * Reads a table written by {@link #write} and checks that it belongs to {@code geometry}.
     *
     * @param csv a file written by {@link #write}
     * @param geometry the geometry it must belong to
     * @return the table
     * @throws IOException naming the file (and line) for a missing, truncated or corrupt file, missing
     *                     metadata, another geometry, a bad or duplicated row
     */
    public static BlockLatencyTable read(Path csv, MobileNetV3Geometry geometry) throws IOException {
        TableLayout file = TableFile.read(csv, MAGIC, "block latency table", META_KEYS);
        if (!file.meta("geometry").equals(describe(geometry))) {
            throw new IOException(csv + ": measured on geometry " + file.meta("geometry") + ", not on "
                    + describe(geometry));
        }
        List<String> rows = file.rows(COLUMNS);
        Platform platform = TableFile.platform(file);
        Map<ForwardPiece, Entry> entries = new LinkedHashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            String where = csv + ":" + file.lineOf(i) + ": ";
            String[] f = rows.get(i).split(",", -1);
            if (f.length != COLUMNS.size()) {
                throw new IOException(where + f.length + " fields; expected " + COLUMNS.size());
            }
            ForwardPiece piece;
            Entry entry;
            try {
                piece = piece(f[0], Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]));
                entry = new Entry(Double.parseDouble(f[4]), Integer.parseInt(f[5]));
            } catch (IllegalArgumentException e) {
                throw new IOException(where + "bad row: " + e.getMessage(), e);
            }
            if (entries.put(piece, entry) != null) {
                throw new IOException(where + piece.describe() + " appears twice");
            }
        }
        if (entries.isEmpty()) {
            throw new IOException(csv + ": the table has no entries");
        }
        return new BlockLatencyTable(file.meta("space"), platform, geometry, entries);
    }

    private static ForwardPiece piece(String label, int inputSize, int kernel, int mid) {
        if (label.equals("stem") || label.equals("head")) {
            if (kernel != 0 || mid != 0) {
                throw new IllegalArgumentException(label + " row: kernel and mid_channels must be 0");
            }
            return label.equals("stem") ? ForwardPiece.stem(inputSize) : ForwardPiece.head(inputSize);
        }
        Matcher m = BLOCK_LABEL.matcher(label);
        if (!m.matches()) {
            throw new IllegalArgumentException("piece '" + label + "': allowed stem, head or stage<s>.block<b>");
        }
        return ForwardPiece.block(Integer.parseInt(m.group(1)) - 1, Integer.parseInt(m.group(2)) - 1, inputSize,
                kernel, mid);
    }
}
