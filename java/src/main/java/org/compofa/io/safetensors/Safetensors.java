package org.compofa.io.safetensors;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.Set;
import java.util.TreeSet;
import org.compofa.io.safetensors.SafetensorsException.Reason;
import org.compofa.io.torch.TorchTensor;
import org.compofa.io.torch.TorchTensor.ElementType;
import org.compofa.report.AtomicFiles;

/**
 * Reads and writes safetensors files (https://github.com/huggingface/safetensors): an unsigned 64-bit
 * little-endian header length N, N bytes of UTF-8 JSON {@code {"__metadata__": {string: string},
 * name: {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...}} padded with spaces to a
 * multiple of 8, then the data, where the tensors' byte ranges (relative to the data's start) must
 * tile it exactly: no overlap, no hole.
 */
public final class Safetensors {
    /** Largest header accepted, as the reference implementation's {@code MAX_HEADER_SIZE}. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;
    private static final String METADATA = "__metadata__";
    private static final Map<String, ElementType> DTYPES = Map.of("F32", ElementType.FLOAT32,
            "F16", ElementType.FLOAT16, "BF16", ElementType.BFLOAT16, "F64", ElementType.FLOAT64,
            "I64", ElementType.INT64, "I32", ElementType.INT32, "U8", ElementType.UINT8, "BOOL", ElementType.BOOL);

    private Safetensors() {
    }

    /**
     * What a safetensors file holds.
     *
     * @param tensors  the tensors, in header order (floating dtypes as floats, integer and bool as longs)
     * @param metadata the {@code __metadata__} strings (empty when absent)
     */
    public record Contents(SequencedMap<String, TorchTensor> tensors, Map<String, String> metadata) {
    }

    /**
     * Writes {@code tensors} (floating ones as F32, integer and bool ones as I64) and {@code metadata}
     * to {@code file}, through a temporary sibling and an atomic rename (mode as for any new file,
     * normally 0644). The header lists the tensors in map order; in the data the I64 tensors come
     * first, then the F32 ones, so that every tensor is aligned to its element size as the reference
     * writer aligns it.
     *
     * @param file the file to write
     * @param tensors tensors by name, in file order
     * @param metadata string metadata
     * @throws IllegalArgumentException when a name is empty, {@code __metadata__} or not valid UTF-16
     * @throws IOException              when writing fails (the target is then left as it was)
     */
    public static void write(Path file, SequencedMap<String, TorchTensor> tensors, Map<String, String> metadata)
            throws IOException {
        List<Map.Entry<String, TorchTensor>> dataOrder = new ArrayList<>(tensors.entrySet());
        dataOrder.sort(Comparator.comparing(e -> e.getValue().isFloating())); // stable: I64 first
        Map<String, long[]> offsets = new LinkedHashMap<>();
        long cursor = 0;
        for (Map.Entry<String, TorchTensor> e : dataOrder) {
            String name = e.getKey();
            if (name == null || name.isEmpty() || name.equals(METADATA) || !validUtf16(name) || e.getValue() == null) {
                throw new IllegalArgumentException("tensor '" + name + "': names must be non-empty valid text other"
                        + " than " + METADATA + ", tensors non-null");
            }
            long bytes = (long) e.getValue().numel() * (e.getValue().isFloating() ? 4 : 8);
            offsets.put(name, new long[] {cursor, cursor + bytes});
            cursor += bytes;
        }
        Map<String, Object> h = new LinkedHashMap<>();
        if (!metadata.isEmpty()) {
            for (Map.Entry<String, String> m : metadata.entrySet()) {
                if (!validUtf16(m.getKey()) || m.getValue() == null || !validUtf16(m.getValue())) {
                    throw new IllegalArgumentException("metadata entry '" + m.getKey() + "' is not valid text");
                }
            }
            h.put(METADATA, metadata);
        }
        for (Map.Entry<String, TorchTensor> e : tensors.entrySet()) {
            TorchTensor t = e.getValue();
            long[] o = offsets.get(e.getKey());
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", t.isFloating() ? "F32" : "I64");
            entry.put("shape", Arrays.stream(t.shape()).boxed().toList());
            entry.put("data_offsets", List.of(o[0], o[1]));
            h.put(e.getKey(), entry);
        }
        byte[] json = Json.write(h);
        int padded = (json.length + 7) / 8 * 8;
        byte[] header = Arrays.copyOf(json, padded);
        Arrays.fill(header, json.length, padded, (byte) ' ');
        AtomicFiles.write(file, out -> {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
            out.write(header);
            for (Map.Entry<String, TorchTensor> e : dataOrder) {
                writeData(out, e.getValue());
            }
        });
    }

    private static void writeData(OutputStream out, TorchTensor t) throws IOException {
        final int chunkBytes = 1 << 16;
        ByteBuffer chunk = ByteBuffer.allocate(chunkBytes).order(ByteOrder.LITTLE_ENDIAN);
        int n = t.numel();
        int per = chunkBytes / (t.isFloating() ? 4 : 8);
        for (int start = 0; start < n; start += per) {
            int count = Math.min(per, n - start);
            if (t.isFloating()) {
                chunk.clear().asFloatBuffer().put(t.floats(), start, count);
                out.write(chunk.array(), 0, 4 * count);
            } else {
                chunk.clear().asLongBuffer().put(t.longs(), start, count);
                out.write(chunk.array(), 0, 8 * count);
            }
        }
    }

    private static boolean validUtf16(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** A tensor's header entry, checked. */
    private record Info(String name, ElementType type, int[] shape, long begin, long end) {
    }

    /**
     * Reads a safetensors file, checking the header length against {@link #MAX_HEADER_BYTES} and the
     * file, the JSON strictly (no repeated names), every dtype, shape and byte range, and that the
     * ranges tile the data, before reading any tensor.
     *
     * @param file a safetensors file, untrusted
     * @return its tensors and metadata
     * @throws SafetensorsException when the file is unreadable or breaks the format (see {@link Reason})
     */
    public static Contents read(Path file) throws SafetensorsException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer lengthBytes = readFully(file, ch, 0, 8, size);
            long n = lengthBytes.order(ByteOrder.LITTLE_ENDIAN).getLong(0);
            if (n < 0 || n > MAX_HEADER_BYTES) {
                throw new SafetensorsException(file, Reason.TOO_LARGE, "header length "
                        + Long.toUnsignedString(n) + " (at most " + MAX_HEADER_BYTES + ")");
            }
            if (n > size - 8) {
                throw new SafetensorsException(file, Reason.TRUNCATED, "header length " + n + " in a file of "
                        + size + " bytes");
            }
            ByteBuffer headerBytes = readFully(file, ch, 8, (int) n, size);
            String text;
            try {
                text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(headerBytes).toString();
            } catch (CharacterCodingException e) {
                throw new SafetensorsException(file, Reason.MALFORMED_HEADER, "header is not UTF-8", e);
            }
            Object root;
            try {
                root = Json.parse(text);
            } catch (Json.SyntaxException e) {
                throw new SafetensorsException(file, Reason.MALFORMED_HEADER, "header JSON: " + e.getMessage(), e);
            }
            if (!text.startsWith("{") || !(root instanceof Map<?, ?> entries)) {
                throw new SafetensorsException(file, Reason.MALFORMED_HEADER, "header is not a JSON object");
            }
            long dataStart = 8 + n;
            long dataBytes = size - dataStart;
            Map<String, String> metadata = Map.of();
            List<Info> infos = new ArrayList<>();
            for (Map.Entry<?, ?> e : entries.entrySet()) {
                String name = (String) e.getKey();
                if (name.equals(METADATA)) {
                    metadata = metadata(file, e.getValue());
                } else {
                    infos.add(info(file, name, e.getValue(), dataBytes));
                }
            }
            checkTiling(file, infos, dataBytes);
            SequencedMap<String, TorchTensor> tensors = new LinkedHashMap<>();
            for (Info i : infos) {
                ByteBuffer b = readFully(file, ch, dataStart + i.begin(), (int) (i.end() - i.begin()), size);
                tensors.put(i.name(), TorchTensor.fromLittleEndian(i.type(), i.shape(), b));
            }
            return new Contents(Collections.unmodifiableSequencedMap(tensors), metadata);
        } catch (IOException e) {
            if (e instanceof SafetensorsException s) {
                throw s;
            }
            throw new SafetensorsException(file, Reason.IO, e.toString(), e);
        }
    }

    private static Map<String, String> metadata(Path file, Object value) throws SafetensorsException {
        if (!(value instanceof Map<?, ?> m)) {
            throw new SafetensorsException(file, Reason.MALFORMED_HEADER, METADATA + " is not an object");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw new SafetensorsException(file, Reason.MALFORMED_HEADER, METADATA + " entry \"" + e.getKey()
                        + "\" is not a string");
            }
            out.put((String) e.getKey(), s);
        }
        return Collections.unmodifiableMap(out);
    }

    /** Checks one tensor entry: exactly dtype, shape, data_offsets; sizes agreeing with each other. */
    private static Info info(Path file, String name, Object value, long dataBytes) throws SafetensorsException {
        if (!(value instanceof Map<?, ?> m) || !m.keySet().equals(Set.of("dtype", "shape", "data_offsets"))) {
            throw new SafetensorsException(file, Reason.MALFORMED_HEADER, "tensor \"" + name
                    + "\" is not an object of exactly dtype, shape and data_offsets");
        }
        if (!(m.get("dtype") instanceof String dtype)) {
            throw new SafetensorsException(file, Reason.MALFORMED_HEADER, "tensor \"" + name + "\" dtype is not a string");
        }
        ElementType type = DTYPES.get(dtype);
        if (type == null) {
            throw new SafetensorsException(file, Reason.UNSUPPORTED_DTYPE, "tensor \"" + name + "\" has dtype " + dtype
                    + " (read: " + new TreeSet<>(DTYPES.keySet()) + ")");
        }
        long[] shapeLongs = naturals(file, name, "shape", m.get("shape"), 64);
        long[] offsets = naturals(file, name, "data_offsets", m.get("data_offsets"), 2);
        if (offsets.length != 2) {
            throw new SafetensorsException(file, Reason.MALFORMED_HEADER, "tensor \"" + name
                    + "\" data_offsets is not a pair [begin, end]");
        }
        if (offsets[0] > offsets[1] || offsets[1] > dataBytes) {
            throw new SafetensorsException(file, Reason.BAD_OFFSETS, "tensor \"" + name + "\" data_offsets "
                    + Arrays.toString(offsets) + " (need [begin, end] with begin <= end <= " + dataBytes + ")");
        }
        long numel = 1;
        int[] shape = new int[shapeLongs.length];
        for (int d = 0; d < shape.length; d++) {
            try {
                numel = Math.multiplyExact(numel, shapeLongs[d]);
            } catch (ArithmeticException e) {
                numel = Long.MAX_VALUE;
            }
            shape[d] = (int) Math.min(shapeLongs[d], Integer.MAX_VALUE);
        }
        long bytes = offsets[1] - offsets[0];
        if (numel > bytes / type.bytes() || numel * type.bytes() != bytes) {
            throw new SafetensorsException(file, Reason.BAD_OFFSETS, "tensor \"" + name + "\" of shape "
                    + Arrays.toString(shapeLongs) + " and dtype " + dtype + " does not fill its " + bytes + " bytes");
        }
        if (numel > Integer.MAX_VALUE - 8) {
            throw new SafetensorsException(file, Reason.TOO_LARGE, "tensor \"" + name + "\" of " + numel
                    + " elements (a Java array holds under 2^31)");
        }
        return new Info(name, type, shape, offsets[0], offsets[1]);
    }

    /** A JSON array of at most {@code max} non-negative 64-bit integers. */
    private static long[] naturals(Path file, String name, String field, Object value, int max)
            throws SafetensorsException {
        if (!(value instanceof List<?> list) || list.size() > max) {
            throw new SafetensorsException(file, Reason.MALFORMED_HEADER, "tensor \"" + name + "\" " + field
                    + " is not a list of at most " + max + " integers");
        }
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            Object v = list.get(i);
            if (v instanceof BigInteger b && b.signum() > 0) {
                throw new SafetensorsException(file, Reason.TOO_LARGE, "tensor \"" + name + "\" " + field + " " + v);
            }
            if (!(v instanceof Long || v instanceof Integer) || ((Number) v).longValue() < 0) {
                throw new SafetensorsException(file, Reason.MALFORMED_HEADER, "tensor \"" + name + "\" " + field
                        + " holds " + v + " (non-negative integers only)");
            }
            out[i] = ((Number) v).longValue();
        }
        return out;
    }

    /** The byte ranges, sorted, must follow each other from 0 to the end of the data. */
    private static void checkTiling(Path file, List<Info> infos, long dataBytes) throws SafetensorsException {
        List<Info> sorted = new ArrayList<>(infos);
        sorted.sort(Comparator.comparingLong(Info::begin).thenComparingLong(Info::end));
        long cursor = 0;
        for (Info i : sorted) {
            if (i.begin() != cursor) {
                throw new SafetensorsException(file, Reason.BAD_OFFSETS, "tensor \"" + i.name() + "\" starts at "
                        + i.begin() + " where " + cursor + " was expected (" + (i.begin() < cursor ? "overlap" : "hole")
                        + ")");
            }
            cursor = i.end();
        }
        if (cursor != dataBytes) {
            throw new SafetensorsException(file, Reason.BAD_OFFSETS, "tensors cover " + cursor + " of the "
                    + dataBytes + " data bytes");
        }
    }

    /** Exactly {@code length} bytes at {@code position}, which the caller has checked lie in the file. */
    private static ByteBuffer readFully(Path file, FileChannel ch, long position, int length, long size)
            throws IOException {
        if (position > size || length > size - position) {
            throw new SafetensorsException(file, Reason.TRUNCATED, length + " bytes at offset " + position
                    + " in a file of " + size);
        }
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining()) {
            if (ch.read(b, position + b.position()) < 0) {
                throw new SafetensorsException(file, Reason.TRUNCATED, "the file ended while reading " + length
                        + " bytes at offset " + position);
            }
        }
        return b.flip();
    }
}
