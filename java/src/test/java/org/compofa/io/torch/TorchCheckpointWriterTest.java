package org.compofa.io.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SequencedMap;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.compofa.io.TestStateDicts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TorchCheckpointWriter}: round trips through our reader bit for bit, and the archive checked
 * independently (java.util.zip lists and verifies it; the local headers walked by hand for the 64-byte
 * alignment torch's PyTorchStreamWriter gives every entry's data).
 */
class TorchCheckpointWriterTest {
    @TempDir
    Path dir;

    @Test
    void oddTensorsRoundTripBitForBit() throws IOException {
        SequencedMap<String, TorchTensor> sd = TestStateDicts.odd(11);
        Path f = dir.resolve("odd.pth");
        TorchCheckpointWriter.write(f, sd);
        SequencedMap<String, TorchTensor> back = TorchCheckpoint.stateDict(f);
        TestStateDicts.assertSame(sd, back);
        assertEquals(TorchTensor.ElementType.INT64, back.get("bn.num_batches_tracked").sourceType());
        assertArrayEquals(new int[0], back.get("bn.num_batches_tracked").shape());
        assertArrayEquals(new int[] {2, 0, 3}, back.get("empty").shape());
    }

    @Test
    void manyEntriesRoundTrip() throws IOException {
        for (int count : new int[] {0, 1, 1000, 1001, 2003}) { // SETITEM, SETITEMS, a last batch of one
            SequencedMap<String, TorchTensor> sd = TestStateDicts.many(count, count);
            Path f = dir.resolve("many" + count + ".pth");
            TorchCheckpointWriter.write(f, sd);
            TestStateDicts.assertSame(sd, TorchCheckpoint.stateDict(f));
        }
    }

    @Test
    void zipLayoutAsTorchWritesIt() throws IOException {
        SequencedMap<String, TorchTensor> sd = TestStateDicts.odd(12);
        Path f = dir.resolve("layout.pth");
        TorchCheckpointWriter.write(f, sd);
        List<String> want = new ArrayList<>(List.of("archive/data.pkl", "archive/byteorder"));
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < sd.size(); i++) {
            keys.add(Integer.toString(i));
        }
        keys.sort(null); // torch writes storages in string order: 0, 1, 10, 2, ...
        keys.forEach(k -> want.add("archive/data/" + k));
        want.add("archive/version");
        List<TorchTensor> tensors = new ArrayList<>(sd.values());
        List<String> names = new ArrayList<>();
        List<Long> sizes = new ArrayList<>();
        try (ZipFile zip = new ZipFile(f.toFile())) {
            for (var en = zip.entries(); en.hasMoreElements(); ) {
                ZipEntry e = en.nextElement();
                names.add(e.getName());
                sizes.add(e.getSize());
                assertEquals(ZipEntry.STORED, e.getMethod(), e.getName());
                byte[] data;
                try (InputStream in = zip.getInputStream(e)) {
                    data = in.readAllBytes();
                }
                CRC32 crc = new CRC32();
                crc.update(data);
                assertEquals(crc.getValue(), e.getCrc(), e.getName() + " CRC");
                if (e.getName().startsWith("archive/data/")) {
                    int key = Integer.parseInt(e.getName().substring("archive/data/".length()));
                    assertArrayEquals(TestStateDicts.littleEndian(tensors.get(key)), data, e.getName());
                }
            }
            assertEquals("little", new String(zip.getInputStream(zip.getEntry("archive/byteorder")).readAllBytes(),
                    StandardCharsets.US_ASCII));
            assertEquals("3\n", new String(zip.getInputStream(zip.getEntry("archive/version")).readAllBytes(),
                    StandardCharsets.US_ASCII));
        }
        assertEquals(want, names, "entries in torch's order");
        // walk the local headers: each entry's data on a 64-byte boundary, padded by an FB extra field
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        int at = 0;
        for (int i = 0; i < names.size(); i++) {
            assertEquals(0x04034b50, b.getInt(at), "local header " + names.get(i));
            int flags = b.getShort(at + 6);
            int nameLength = b.getShort(at + 26);
            int extraLength = b.getShort(at + 28);
            assertEquals(names.get(i), new String(b.array(), at + 30, nameLength, StandardCharsets.UTF_8));
            int extra = at + 30 + nameLength;
            assertEquals('F', b.get(extra));
            assertEquals('B', b.get(extra + 1));
            assertEquals(extraLength - 4, b.getShort(extra + 2));
            for (int j = 4; j < extraLength; j++) {
                assertEquals('Z', b.get(extra + j), "padding byte");
            }
            int data = extra + extraLength;
            assertEquals(0, data % 64, names.get(i) + " data at " + data);
            long size = sizes.get(i);
            assertEquals(size > 0 ? 0x0808 : 0x0800, flags, names.get(i) + " flags");
            at = data + (int) size + (size > 0 ? 16 : 0); // data descriptor after non-empty data
        }
        assertEquals(0x02014b50, b.getInt(at), "central directory after the last entry");
    }

    @Test
    void torchStridesOfEmptyTensorsAreRead() throws IOException {
        // torch gives a zero-size dimension stride as if it were 1: shape (2,0,3) has stride (3,3,1)
        assertArrayEquals(new int[] {3, 3, 1}, StateDictPickler.contiguousStrides(new int[] {2, 0, 3}));
        assertArrayEquals(new int[] {1, 1, 1}, StateDictPickler.contiguousStrides(new int[] {3, 1, 1}));
        SequencedMap<String, TorchTensor> sd = new LinkedHashMap<>();
        sd.put("e", new TorchTensor(TorchTensor.ElementType.FLOAT32, new int[] {2, 0, 3}, new float[0], null));
        Path f = dir.resolve("empty.pth");
        TorchCheckpointWriter.write(f, sd);
        TestStateDicts.assertSame(sd, TorchCheckpoint.stateDict(f));
    }

    @Test
    void writesAtomicallyWithTheUsualMode() throws IOException {
        Path f = dir.resolve("sub/model.pth");
        TorchCheckpointWriter.write(f, TestStateDicts.odd(13));
        TorchCheckpointWriter.write(f, TestStateDicts.odd(14)); // replaces
        TestStateDicts.assertSame(TestStateDicts.odd(14), TorchCheckpoint.stateDict(f));
        Path plain = Files.createFile(dir.resolve("plain"));
        if (Files.getFileStore(f).supportsFileAttributeView("posix")) {
            assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(f),
                    "mode as any new file (the umask's), not a temp file's 0600");
        }
        try (var listing = Files.list(f.getParent())) {
            assertEquals(List.of(f), listing.toList(), "no temporary file left");
        }
    }

    @Test
    void badNamesAreRefusedAndTheTargetKept() throws IOException {
        Path f = dir.resolve("keep.pth");
        Files.writeString(f, "old");
        for (String bad : new String[] {"", "lone \ud800 surrogate"}) {
            SequencedMap<String, TorchTensor> sd = new LinkedHashMap<>(TestStateDicts.odd(15));
            sd.put(bad, sd.firstEntry().getValue());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TorchCheckpointWriter.write(f, sd));
            assertTrue(e.getMessage().contains("names must be"), e.getMessage());
        }
        assertEquals("old", Files.readString(f));
    }
}
