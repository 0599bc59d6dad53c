package org.compofa.io.torch;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.zip.CRC32;
import org.compofa.report.AtomicFiles;

/**
 * Writes a state dict as {@code torch.save} (1.6 and later) does, so that {@code torch.load} reads it
 * back as an {@code OrderedDict} of CPU tensors: a zip archive of STORED entries
 * {@code archive/data.pkl} (see {@link StateDictPickler}), {@code archive/byteorder} ({@code little}),
 * {@code archive/data/<key>} (each tensor's raw little-endian storage, keys {@code 0, 1, ...} in
 * state-dict order, entries in torch's string-sorted key order) and {@code archive/version}
 * ({@code 3}). Records are laid out as PyTorch's miniz-based {@code PyTorchStreamWriter} lays them
 * out: every entry's data starts on a 64-byte boundary (padding in an {@code FB} extra field), CRC
 * and sizes follow non-empty data in a data descriptor, and a zip64 end record precedes the end
 * record. With the byteorder record left out, the file equals torch 1.13's {@code torch.save} of the
 * same dict to a file named {@code archive.*} byte for byte.
 *
 * <p>Floating tensors are written as float32 ({@code torch.FloatStorage}), integer and bool tensors
 * as int64 ({@code torch.LongStorage}), whatever their {@link TorchTensor#sourceType()}. Limit: the
 * archive must stay under 4 GiB (the size where miniz switches to zip64 records, which this writer
 * does not write) and hold under 65535 entries.
 */
public final class TorchCheckpointWriter {
    /** Alignment of each entry's data, as PyTorchStreamWriter's {@code kFieldAlignment}. */
    static final int ALIGNMENT = 64;
    /** The archive's top directory (torch 2.x writes {@code archive}; 1.x the file's stem). */
    static final String PREFIX = "archive/";
    private static final long ZIP32_LIMIT = 0xffffffffL;
    private static final int LOCAL_HEADER = 30;
    private static final int CENTRAL_HEADER = 46;
    private static final int DESCRIPTOR = 16;
    private static final int END_RECORDS = 56 + 20 + 22; // zip64 end, zip64 locator, end
    private static final int CHUNK = 1 << 16;

    private TorchCheckpointWriter() {
    }

    /**
     * Writes {@code stateDict} to {@code file} in torch's zip format, through a temporary sibling and
     * an atomic rename (mode as for any new file, normally 0644).
     *
     * @param file the file to write
     * @param stateDict tensors by name, in file order
     * @throws IllegalArgumentException when a name is empty or not valid UTF-16, or the archive would
     *                                  reach 4 GiB or 65535 entries
     * @throws IOException              when writing fails (the target is then left as it was)
     */
    public static void write(Path file, SequencedMap<String, TorchTensor> stateDict) throws IOException {
        write(file, stateDict, true);
    }

    /** {@link #write(Path, SequencedMap)}, with the byteorder record optional (torch < 2.0 wrote none). */
    static void write(Path file, SequencedMap<String, TorchTensor> stateDict, boolean byteorderRecord)
            throws IOException {
        List<Entry> entries = layout(stateDict, byteorderRecord);
        AtomicFiles.write(file, out -> writeArchive(out, entries));
    }

    /** One zip entry: its name, size, and what writes its bytes. */
    private record Entry(String name, long size, byte[] bytes, TorchTensor tensor) {
        byte[] nameBytes() {
            return name.getBytes(StandardCharsets.UTF_8);
        }
    }

    private static List<Entry> layout(SequencedMap<String, TorchTensor> stateDict, boolean byteorderRecord) {
        List<StateDictPickler.Item> items = new ArrayList<>();
        List<Entry> storages = new ArrayList<>();
        for (Map.Entry<String, TorchTensor> e : stateDict.entrySet()) {
            String name = e.getKey();
            TorchTensor t = e.getValue();
            if (name == null || name.isEmpty() || !validUtf16(name) || t == null) {
                throw new IllegalArgumentException("state dict entry '" + name
                        + "': names must be non-empty valid text and tensors non-null");
            }
            String key = Integer.toString(items.size());
            TorchTensor.ElementType type = t.isFloating() ? TorchTensor.ElementType.FLOAT32
                    : TorchTensor.ElementType.INT64;
            items.add(new StateDictPickler.Item(name, key, type, t.shape()));
            storages.add(new Entry(PREFIX + "data/" + key, (long) t.numel() * type.bytes(), null, t));
        }
        storages.sort((a, b) -> a.name().compareTo(b.name())); // torch: sorted(serialized_storages.keys())
        List<Entry> entries = new ArrayList<>();
        byte[] pkl = StateDictPickler.pickle(items);
        entries.add(new Entry(PREFIX + "data.pkl", pkl.length, pkl, null));
        if (byteorderRecord) {
            byte[] order = "little".getBytes(StandardCharsets.US_ASCII);
            entries.add(new Entry(PREFIX + "byteorder", order.length, order, null));
        }
        entries.addAll(storages);
        byte[] version = "3\n".getBytes(StandardCharsets.US_ASCII);
        entries.add(new Entry(PREFIX + "version", version.length, version, null));
        checkZip32(entries);
        return entries;
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

    /** Refuses archives whose sizes or offsets miniz would have written as zip64 fields. */
    private static void checkZip32(List<Entry> entries) {
        if (entries.size() >= 0xffff) {
            throw new IllegalArgumentException(entries.size() + " zip entries (this writer's limit: 65534)");
        }
        long cursor = 0;
        long central = 0;
        for (Entry e : entries) {
            int name = e.nameBytes().length;
            if (cursor >= ZIP32_LIMIT || e.size() >= ZIP32_LIMIT) {
                throw new IllegalArgumentException("entry " + e.name() + " of " + e.size() + " bytes at offset "
                        + cursor + ": the archive would reach 4 GiB (zip64 is not written)");
            }
            cursor += LOCAL_HEADER + name + padding(cursor, name) + e.size() + (e.size() > 0 ? DESCRIPTOR : 0);
            central += CENTRAL_HEADER + name;
        }
        if (cursor + central + END_RECORDS >= ZIP32_LIMIT) {
            throw new IllegalArgumentException("the archive would reach 4 GiB (zip64 is not written)");
        }
    }

    /**
     * Length of the {@code FB} extra field that moves an entry's data to the next 64-byte boundary:
     * 4 bytes of field header plus the padding (PyTorchStreamWriter's {@code getPadding}).
     */
    static int padding(long cursor, int nameLength) {
        long start = cursor + LOCAL_HEADER + nameLength + 4;
        int pad = (int) ((ALIGNMENT - start % ALIGNMENT) % ALIGNMENT);
        return pad + 4;
    }

    private static void writeArchive(OutputStream out, List<Entry> entries) throws IOException {
        long cursor = 0;
        long[] offsets = new long[entries.size()];
        long[] crcs = new long[entries.size()];
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            byte[] name = e.nameBytes();
            int extra = padding(cursor, name.length);
            offsets[i] = cursor;
            ByteBuffer h = le(LOCAL_HEADER + name.length + extra);
            h.putInt(0x04034b50).putShort((short) 0).putShort(flags(e)).putShort((short) 0) // STORED
                    .putInt(0).putInt(0).putInt(0).putInt(0) // time+date, crc, sizes: in the descriptor
                    .putShort((short) name.length).putShort((short) extra).put(name)
                    .put((byte) 'F').put((byte) 'B').putShort((short) (extra - 4));
            while (h.hasRemaining()) {
                h.put((byte) 'Z');
            }
            out.write(h.array());
            CRC32 crc = new CRC32();
            writeData(out, e, crc);
            crcs[i] = crc.getValue();
            cursor += h.capacity() + e.size();
            if (e.size() > 0) {
                ByteBuffer d = le(DESCRIPTOR).putInt(0x08074b50).putInt((int) crcs[i])
                        .putInt((int) e.size()).putInt((int) e.size());
                out.write(d.array());
                cursor += DESCRIPTOR;
            }
        }
        long centralStart = cursor;
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            byte[] name = e.nameBytes();
            ByteBuffer c = le(CENTRAL_HEADER + name.length);
            c.putInt(0x02014b50).putShort((short) 0).putShort((short) 0).putShort(flags(e)).putShort((short) 0)
                    .putInt(0).putInt((int) crcs[i]).putInt((int) e.size()).putInt((int) e.size())
                    .putShort((short) name.length).putShort((short) 0).putShort((short) 0).putShort((short) 0)
                    .putShort((short) 0).putInt(0).putInt((int) offsets[i]).put(name);
            out.write(c.array());
            cursor += c.capacity();
        }
        long centralSize = cursor - centralStart;
        int n = entries.size();
        ByteBuffer end = le(END_RECORDS);
        end.putInt(0x06064b50).putLong(44).putShort((short) 0x031e).putShort((short) 0x2d).putInt(0).putInt(0)
                .putLong(n).putLong(n).putLong(centralSize).putLong(centralStart); // zip64 end record
        end.putInt(0x07064b50).putInt(0).putLong(cursor).putInt(1); // zip64 locator
        end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) n).putShort((short) n)
                .putInt((int) centralSize).putInt((int) centralStart).putShort((short) 0);
        out.write(end.array());
    }

    /** Bit 11 (UTF-8 names), and bit 3 (data descriptor) for non-empty entries, as miniz sets them. */
    private static short flags(Entry e) {
        return (short) (e.size() > 0 ? 0x0808 : 0x0800);
    }

    private static ByteBuffer le(int capacity) {
        return ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** An entry's bytes: the given ones, or the tensor's elements as little-endian float32 / int64. */
    private static void writeData(OutputStream out, Entry e, CRC32 crc) throws IOException {
        if (e.bytes() != null) {
            crc.update(e.bytes());
            out.write(e.bytes());
            return;
        }
        TorchTensor t = e.tensor();
        ByteBuffer chunk = le(CHUNK);
        int n = t.numel();
        int per = CHUNK / (t.isFloating() ? 4 : 8);
        for (int start = 0; start < n; start += per) {
            int count = Math.min(per, n - start);
            chunk.clear();
            if (t.isFloating()) {
                chunk.asFloatBuffer().put(t.floats(), start, count);
                chunk.limit(4 * count);
            } else {
                chunk.asLongBuffer().put(t.longs(), start, count);
                chunk.limit(8 * count);
            }
            crc.update(chunk.array(), 0, chunk.limit());
            out.write(chunk.array(), 0, chunk.limit());
        }
    }
}
