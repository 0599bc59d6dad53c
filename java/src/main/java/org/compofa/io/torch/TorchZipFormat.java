package org.compofa.io.torch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.compofa.io.torch.TorchCheckpoint.Storage;
import org.compofa.io.torch.TorchCheckpoint.StorageRef;
import org.compofa.io.torch.TorchCheckpointException.Reason;

/**
 * torch.save's zip format (torch 1.6 and later): {@code <prefix>/data.pkl} pickles the object with
 * persistent ids {@code ('storage', torch.XStorage, key, location, numel)}; {@code <prefix>/data/<key>}
 * holds each storage's raw little-endian bytes; {@code <prefix>/byteorder}, when present, says
 * {@code little}.
 */
final class TorchZipFormat {
    /** Largest ratio of inflated to deflated size deflate can reach. */
    private static final long MAX_DEFLATE_RATIO = 1032;
    private static final Pattern STORAGE_KEY = Pattern.compile("[A-Za-z0-9_]{1,64}");

    private TorchZipFormat() {
    }

    static Object read(Path file, long fileSize) throws TorchCheckpointException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            String prefix = null;
            for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
                String name = en.nextElement().getName();
                if (name.endsWith("/data.pkl") && name.indexOf('/') == name.length() - "/data.pkl".length()) {
                    if (prefix != null) {
                        throw new TorchCheckpointException(file, Reason.NOT_A_CHECKPOINT, "two data.pkl entries");
                    }
                    prefix = name.substring(0, name.length() - "data.pkl".length());
                }
            }
            if (prefix == null) {
                throw new TorchCheckpointException(file, Reason.NOT_A_CHECKPOINT,
                        "a zip archive without <prefix>/data.pkl");
            }
            ZipEntry order = zip.getEntry(prefix + "byteorder");
            if (order != null) {
                String o = new String(entryBytes(file, zip, order, fileSize, 16), StandardCharsets.US_ASCII);
                if (!o.equals("little")) {
                    throw new TorchCheckpointException(file, Reason.BAD_STORAGE,
                            "byte order '" + o + "' (only little-endian is read)");
                }
            }
            byte[] pkl = entryBytes(file, zip, zip.getEntry(prefix + "data.pkl"), fileSize, Integer.MAX_VALUE);
            Map<String, Storage> storages = new HashMap<>();
            final String dir = prefix + "data/";
            PickleReader reader = new PickleReader(file, prefix + "data.pkl", ByteBuffer.wrap(pkl),
                    pid -> storage(file, zip, dir, fileSize, storages, pid),
                    args -> TorchCheckpoint.rebuildTensor(file, args));
            return TorchCheckpoint.finish(file, reader.load());
        } catch (TorchCheckpointException e) {
            throw e;
        } catch (IOException | RuntimeException e) { // ZipFile reports damaged archives with both
            throw new TorchCheckpointException(file, Reason.NOT_A_CHECKPOINT, "unreadable zip archive: " + e, e);
        }
    }

    /** Resolves {@code ('storage', type, key, location, numel)}, reading each key's entry once. */
    private static StorageRef storage(Path file, ZipFile zip, String dir, long fileSize, Map<String, Storage> storages,
            Object pid) throws TorchCheckpointException {
        if (!(pid instanceof List<?> t) || t.size() != 5 || !"storage".equals(t.get(0))
                || !(t.get(2) instanceof String key)) {
            throw new TorchCheckpointException(file, Reason.MALFORMED_PICKLE,
                    "persistent id is not ('storage', type, key, location, numel): " + PickleReader.typeName(pid));
        }
        TorchTensor.ElementType type = TorchCheckpoint.storageType(file, t.get(1));
        long numel = TorchCheckpoint.nonNegative(file, t.get(4), "storage " + key + " element count");
        Storage s = storages.get(key);
        if (s == null) {
            if (!STORAGE_KEY.matcher(key).matches()) {
                throw new TorchCheckpointException(file, Reason.BAD_STORAGE, "storage key '" + key + "'");
            }
            ZipEntry entry = zip.getEntry(dir + key);
            if (entry == null) {
                throw new TorchCheckpointException(file, Reason.BAD_STORAGE, "no entry " + dir + key);
            }
            long bytes = numel > Long.MAX_VALUE / 8 ? -1 : numel * type.bytes();
            if (bytes < 0 || entry.getSize() != bytes) {
                throw new TorchCheckpointException(file, Reason.BAD_STORAGE, "entry " + entry.getName() + " holds "
                        + entry.getSize() + " bytes, the pickle says " + numel + " elements of " + type);
            }
            s = new Storage(type, key, numel);
            try {
                s.data = ByteBuffer.wrap(entryBytes(file, zip, entry, fileSize, Integer.MAX_VALUE - 8));
            } catch (IOException | RuntimeException e) {
                throw new TorchCheckpointException(file, Reason.BAD_STORAGE, "entry " + entry.getName() + ": " + e, e);
            }
            storages.put(key, s);
        } else if (s.type != type || s.numel != numel) {
            throw new TorchCheckpointException(file, Reason.BAD_STORAGE,
                    "storage " + key + " named with two types or sizes");
        }
        return new StorageRef(s, 0, numel);
    }

    /**
     * An entry's bytes, its declared size checked first: at most {@code max}, and no more than the
     * file (stored) or the deflate limit of its compressed size could hold; exactly that many read.
     */
    private static byte[] entryBytes(Path file, ZipFile zip, ZipEntry entry, long fileSize, int max)
            throws TorchCheckpointException, IOException {
        long size = entry.getSize();
        long compressed = entry.getCompressedSize();
        long bound = entry.getMethod() == ZipEntry.STORED ? fileSize
                : Math.min(fileSize, Math.max(compressed, 0)) * MAX_DEFLATE_RATIO;
        if (size < 0 || size > max || size > bound) {
            throw new TorchCheckpointException(file, Reason.TOO_LARGE, "entry " + entry.getName() + " claims "
                    + size + " bytes in a file of " + fileSize);
        }
        byte[] b = new byte[(int) size];
        try (InputStream in = zip.getInputStream(entry)) {
            int n = in.readNBytes(b, 0, b.length);
            if (n != b.length || in.read() >= 0) {
                throw new TorchCheckpointException(file, Reason.BAD_STORAGE, "entry " + entry.getName()
                        + " does not hold the " + size + " bytes it declares");
            }
        }
        return b;
    }
}
