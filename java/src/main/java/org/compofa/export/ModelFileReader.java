package org.compofa.export;

import static org.compofa.export.ModelFile.MAGIC;
import static org.compofa.export.ModelFile.VERSION;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.compofa.data.Preprocessing;
import java.util.Set;
import java.util.zip.CRC32C;
import org.compofa.export.ModelFileException.Reason;
import org.compofa.nn.Network;
import org.compofa.nn.NetworkSpec;
import org.compofa.runtime.ComputeContext;
import org.compofa.space.Activation;
import org.compofa.space.ConvShape;
import org.compofa.space.MobileNetV3Geometry;
import org.compofa.space.StageSpec;
import org.compofa.space.StageTable;
import org.compofa.space.Subnet;
import org.compofa.space.SubnetJson;
import org.compofa.train.NamedArray;

/**
 * The verifying reader of {@link ModelFile}'s format: magic, version and checksum, then a parse in
 * which every length and count is bounded by the bytes left before anything is allocated, and an
 * architecture check before the network is. Every failure is one {@link ModelFileException}.
 */
final class ModelFileReader {
    /** Magic, version, header length, array count and CRC: the smallest possible file. */
    static final int MIN_LENGTH = 8 + 4 + 4 + 4 + 4;
    /** Largest file read (it is read whole into one byte array). */
    static final long MAX_LENGTH = Integer.MAX_VALUE - 8;
    /** Bytes of the smallest array record: name length, one name byte, rank. */
    private static final int MIN_ARRAY_BYTES = 4 + 1 + 4;

    private ModelFileReader() {
    }

    /** See {@link ModelFile#read}. */
    static ModelFile.Model read(Path file, ComputeContext ctx) throws ModelFileException {
        byte[] all = readAll(file);
        checkFrame(file, all);
        Body in = new Body(file, all);
        Map<String, String> header = header(in);
        List<NamedArray> arrays = arrays(in);
        if (in.remaining() != 0) {
            throw in.malformed(in.remaining() + " bytes after the last array, before the checksum");
        }
        Subnet subnet;
        MobileNetV3Geometry g;
        NetworkSpec spec;
        try {
            subnet = SubnetJson.parse(require(file, header, "subnet"));
            g = geometry(file, header);
            requireEnoughWeights(file, g, subnet, arrays);
            spec = NetworkSpec.of(g, subnet);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new ModelFileException(file, Reason.MALFORMED, "header does not describe a network: "
                    + e.getMessage(), e);
        }
        String spaceId = require(file, header, "space");
        Preprocessing preprocessing;
        try {
            preprocessing = Preprocessing.fromMetadata(header);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(file, Reason.MALFORMED, e.getMessage(), e);
        }
        if (preprocessing != null && preprocessing.color().channels() != g.inputChannels()) {
            throw new ModelFileException(file, Reason.MALFORMED, "preprocessing gives " + preprocessing.color()
                    + " input, the network reads " + g.inputChannels() + " channel(s)");
        }
        Network net = new Network(ctx, spec, 0);
        try {
            net.parameters().load(arrays);
            int tensors = net.parameters().parameters().size() + net.parameters().buffers().size();
            if (arrays.size() != tensors) {
                throw new IllegalArgumentException("the file holds " + arrays.size() + " arrays, the architecture has "
                        + tensors + " tensors");
            }
        } catch (IllegalArgumentException e) {
            net.close();
            throw new ModelFileException(file, Reason.WEIGHTS_MISMATCH, e.getMessage(), e);
        }
        return new ModelFile.Model(net, subnet, spaceId, preprocessing);
    }

    private static byte[] readAll(Path file) throws ModelFileException {
        try {
            long size = Files.size(file);
            if (size > MAX_LENGTH) {
                throw new ModelFileException(file, Reason.IO, "file has " + size + " bytes; at most " + MAX_LENGTH
                        + " are read");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ModelFileException(file, Reason.IO, "file does not exist", e);
        } catch (ModelFileException e) {
            throw e;
        } catch (IOException e) {
            throw new ModelFileException(file, Reason.IO, "cannot read the model (" + e + ")", e);
        }
    }

    /** Magic, minimum length, version and checksum. */
    private static void checkFrame(Path file, byte[] all) throws ModelFileException {
        byte[] magic = MAGIC.getBytes(StandardCharsets.US_ASCII);
        int m = Math.min(all.length, magic.length);
        if (all.length == 0 || !Arrays.equals(all, 0, m, magic, 0, m)) {
            throw new ModelFileException(file, Reason.NOT_A_MODEL, "does not start with '" + MAGIC + "'");
        }
        if (all.length < MIN_LENGTH) {
            throw new ModelFileException(file, Reason.TRUNCATED, "file has " + all.length
                    + " bytes, the smallest model has " + MIN_LENGTH);
        }
        int version = ByteBuffer.wrap(all, magic.length, 4).getInt();
        if (version != VERSION) {
            throw new ModelFileException(file, Reason.UNKNOWN_VERSION, "version " + version
                    + "; this reader knows version " + VERSION);
        }
        CRC32C crc = new CRC32C();
        crc.update(all, 0, all.length - 4);
        int stored = ByteBuffer.wrap(all, all.length - 4, 4).getInt();
        if (stored != (int) crc.getValue()) {
            throw new ModelFileException(file, Reason.CHECKSUM_MISMATCH, String.format(
                    "stored CRC32C %08x, contents give %08x (truncated or altered file)", stored,
                    (int) crc.getValue()));
        }
    }

    /** The {@code key=value} header: strict UTF-8, every line a pair, no key twice. */
    private static Map<String, String> header(Body in) throws ModelFileException {
        int length = in.readInt("header length");
        byte[] bytes = in.bytes(length, "header");
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw in.malformed("header is not UTF-8 (" + e + ")");
        }
        Map<String, String> header = new LinkedHashMap<>();
        String[] lines = text.split("\n");
        for (int i = 0; i < lines.length; i++) {
            int eq = lines[i].indexOf('=');
            if (eq < 1) {
                throw in.malformed("header line " + (i + 1) + " '" + shorten(lines[i]) + "' is not key=value");
            }
            String key = lines[i].substring(0, eq);
            if (header.put(key, lines[i].substring(eq + 1)) != null) {
                throw in.malformed("header key '" + shorten(key) + "' appears twice");
            }
        }
        return header;
    }

    private static List<NamedArray> arrays(Body in) throws ModelFileException {
        int n = in.count(MIN_ARRAY_BYTES, "arrays");
        List<NamedArray> arrays = new ArrayList<>(n);
        Set<String> names = new HashSet<>();
        for (int i = 0; i < n; i++) {
            NamedArray a = in.array(i);
            if (!names.add(a.name())) {
                throw in.malformed("array '" + a.name() + "' appears twice");
            }
            arrays.add(a);
        }
        return arrays;
    }

    /**
     * Refuses a header whose architecture needs more weights than the file holds, before the
     * network is allocated (a lying width must not make us allocate gigabytes). Doubles, so no
     * product can overflow.
     */
    private static void requireEnoughWeights(Path file, MobileNetV3Geometry g, Subnet subnet, List<NamedArray> arrays)
            throws ModelFileException {
        double needed = 0;
        for (ConvShape c : g.layers(subnet)) {
            needed += (double) (c.inChannels() / c.groups()) * c.outChannels() * c.kernel() * c.kernel();
        }
        long held = arrays.stream().mapToLong(a -> a.values().length).sum();
        if (needed > held) {
            throw new ModelFileException(file, Reason.WEIGHTS_MISMATCH, String.format(
                    "the header's architecture needs at least %.0f weights, the file holds %d values", needed, held));
        }
    }

    private static MobileNetV3Geometry geometry(Path file, Map<String, String> h) throws ModelFileException {
        String[] stem = fields(require(file, h, "stem"), ",", 2, "stem");
        String[] head = fields(require(file, h, "head"), ",", 2, "head");
        List<StageSpec> stages = new ArrayList<>();
        for (String s : require(file, h, "stages").split(";", -1)) {
            String[] f = fields(s, ",", 4, "stage");
            stages.add(new StageSpec(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Activation.valueOf(f[2]),
                    bool(f[3])));
        }
        StageTable t = new StageTable(Integer.parseInt(stem[0]), Integer.parseInt(stem[1]),
                Integer.parseInt(require(file, h, "first_block")), stages, Integer.parseInt(head[0]),
                Integer.parseInt(head[1]));
        return new MobileNetV3Geometry(t, Integer.parseInt(require(file, h, "input_channels")),
                Integer.parseInt(require(file, h, "classes")));
    }

    private static String[] fields(String value, String separator, int expected, String what) {
        String[] f = value.split(separator, -1);
        if (f.length != expected) {
            throw new IllegalArgumentException(what + " '" + shorten(value) + "' has " + f.length + " fields; expected "
                    + expected);
        }
        return f;
    }

    private static boolean bool(String s) {
        if (!s.equals("true") && !s.equals("false")) {
            throw new IllegalArgumentException("'" + shorten(s) + "' is not true or false");
        }
        return s.equals("true");
    }

    private static String require(Path file, Map<String, String> h, String key) throws ModelFileException {
        String v = h.get(key);
        if (v == null) {
            throw new ModelFileException(file, Reason.MALFORMED, "header entry '" + key + "' is missing");
        }
        return v;
    }

    /** At most 60 characters of untrusted text for a message, control characters escaped. */
    private static String shorten(String s) {
        String cut = s.length() > 60 ? s.substring(0, 60) + "..." : s;
        StringBuilder sb = new StringBuilder();
        cut.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                sb.append(String.format("\\x%02x", c));
            } else {
                sb.appendCodePoint(c);
            }
        });
        return sb.toString();
    }

    /** Bounds-checked reads of the body (after magic and version, before the CRC). */
    private static final class Body {
        private final Path file;
        private final ByteBuffer buf;

        Body(Path file, byte[] all) {
            this.file = file;
            this.buf = ByteBuffer.wrap(all, 12, all.length - 12 - 4); // big-endian, as DataOutputStream wrote it
        }

        ModelFileException malformed(String detail) {
            return new ModelFileException(file, Reason.MALFORMED, detail);
        }

        int remaining() {
            return buf.remaining();
        }

        void need(long bytes, String what) throws ModelFileException {
            if (bytes < 0 || bytes > buf.remaining()) {
                throw malformed(what + " needs " + bytes + " bytes, only " + buf.remaining() + " left");
            }
        }

        int readInt(String what) throws ModelFileException {
            need(4, what);
            return buf.getInt();
        }

        byte[] bytes(int length, String what) throws ModelFileException {
            need(length, what);
            byte[] b = new byte[length];
            buf.get(b);
            return b;
        }

        int count(int minBytesEach, String what) throws ModelFileException {
            int n = readInt(what + " count");
            if (n < 0 || (long) n * minBytesEach > buf.remaining()) {
                throw malformed(n + " " + what + " cannot fit in the " + buf.remaining() + " bytes left");
            }
            return n;
        }

        NamedArray array(int index) throws ModelFileException {
            String where = "array " + (index + 1);
            int nameLength = readInt("name length of " + where);
            if (nameLength < 1 || nameLength > NamedArray.MAX_NAME_BYTES) {
                throw malformed(where + " has a name of " + nameLength + " bytes; allowed 1 to "
                        + NamedArray.MAX_NAME_BYTES);
            }
            String name = new String(bytes(nameLength, "name of " + where), StandardCharsets.UTF_8);
            where = where + " '" + shorten(name) + "'";
            int rank = readInt("rank of " + where);
            if (rank < 0 || rank > NamedArray.MAX_RANK) {
                throw malformed(where + " has rank " + rank + ", allowed 0 to " + NamedArray.MAX_RANK);
            }
            need(4L * rank, "dimensions of " + where);
            int[] shape = new int[rank];
            for (int i = 0; i < rank; i++) {
                shape[i] = buf.getInt();
            }
            if (Arrays.stream(shape).anyMatch(d -> d < 0)) {
                throw malformed(where + " has a negative dimension in " + Arrays.toString(shape));
            }
            long count = Arrays.stream(shape).anyMatch(d -> d == 0) ? 0 : 1;
            for (int i = 0; i < rank && count > 0; i++) {
                count *= shape[i]; // count <= remaining / 4 < 2^29 before, a dimension < 2^31: no overflow
                if (4 * count > buf.remaining()) {
                    throw malformed(where + " with shape " + Arrays.toString(shape) + " needs more than the "
                            + buf.remaining() + " bytes left");
                }
            }
            need(4 * count, "values of " + where);
            float[] v = new float[(int) count];
            try {
                buf.asFloatBuffer().get(v);
                buf.position(buf.position() + 4 * v.length);
                return new NamedArray(name, shape, v);
            } catch (IllegalArgumentException e) { // a name with control characters
                throw malformed(where + ": " + e.getMessage());
            }
        }
    }
}
