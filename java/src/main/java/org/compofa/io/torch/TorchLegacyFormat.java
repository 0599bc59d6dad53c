package org.compofa.io.torch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.compofa.io.torch.TorchCheckpoint.Storage;
import org.compofa.io.torch.TorchCheckpoint.StorageRef;
import org.compofa.io.torch.TorchCheckpointException.Reason;

/**
 * torch.save's legacy format (before torch 1.6, or {@code _use_new_zipfile_serialization=False}):
 * five pickles (magic number, protocol version 1001, system info, the object with persistent ids
 * {@code ('storage', type, key, location, numel, view)}, the list of storage keys), then per key an
 * 8-byte little-endian element count and the raw little-endian elements.
 */
final class TorchLegacyFormat {
    private TorchLegacyFormat() {
    }

    static Object read(Path file, long fileSize) throws TorchCheckpointException {
        if (fileSize > Integer.MAX_VALUE) {
            throw new TorchCheckpointException(file, Reason.IO, fileSize + " bytes (legacy files over 2 GiB are not read)");
        }
        ByteBuffer all;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            all = ch.map(FileChannel.MapMode.READ_ONLY, 0, fileSize).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new TorchCheckpointException(file, Reason.IO, e.toString(), e);
        }
        Object magic;
        try {
            magic = next(file, all, "magic number", null);
        } catch (TorchCheckpointException e) {
            if (e.reason() == Reason.FORBIDDEN_GLOBAL) {
                throw e;
            }
            throw new TorchCheckpointException(file, Reason.NOT_A_CHECKPOINT,
                    "neither a zip archive nor a legacy torch.save stream (" + e.getMessage() + ")", e);
        }
        if (!TorchCheckpoint.LEGACY_MAGIC.equals(magic)) {
            throw new TorchCheckpointException(file, Reason.NOT_A_CHECKPOINT,
                    "neither a zip archive nor a legacy torch.save stream (magic number "
                            + PickleReader.typeName(magic) + " " + magic + ")");
        }
        Object protocol = next(file, all, "protocol version", null);
        if (!Long.valueOf(TorchCheckpoint.LEGACY_PROTOCOL).equals(protocol)) {
            throw new TorchCheckpointException(file, Reason.NOT_A_CHECKPOINT, "legacy protocol version " + protocol
                    + " (only " + TorchCheckpoint.LEGACY_PROTOCOL + " is read)");
        }
        if (!(next(file, all, "system info", null) instanceof Map<?, ?> sysInfo)
                || !Boolean.TRUE.equals(sysInfo.get("little_endian"))) {
            throw new TorchCheckpointException(file, Reason.BAD_STORAGE,
                    "system info does not say little_endian=True (only little-endian files are read)");
        }
        Map<String, Storage> storages = new HashMap<>();
        Object root = next(file, all, "object pickle", new PickleReader.PersistentLoader() {
            @Override
            public Object load(Object pid) throws TorchCheckpointException {
                return storage(file, storages, pid);
            }
        });
        if (!(next(file, all, "storage key list", null) instanceof List<?> keys)) {
            throw new TorchCheckpointException(file, Reason.MALFORMED_PICKLE, "storage key list is not a list");
        }
        for (Object k : keys) {
            Storage s = k instanceof String key ? storages.get(key) : null;
            if (s == null || s.data != null) {
                throw new TorchCheckpointException(file, Reason.BAD_STORAGE, "storage key " + k
                        + " is not named by the object pickle or is listed twice");
            }
            if (all.remaining() < 8) {
                throw new TorchCheckpointException(file, Reason.TRUNCATED, "storage " + s.key + ": no element count at byte "
                        + all.position());
            }
            long count = all.getLong();
            if (count != s.numel) {
                throw new TorchCheckpointException(file, Reason.BAD_STORAGE, "storage " + s.key + " holds " + count
                        + " elements, the pickle says " + s.numel);
            }
            if (count > all.remaining() / s.type.bytes()) {
                throw new TorchCheckpointException(file, Reason.TRUNCATED, "storage " + s.key + " of " + count + " "
                        + s.type + " elements with " + all.remaining() + " bytes left");
            }
            int bytes = (int) count * s.type.bytes();
            s.data = all.slice(all.position(), bytes).order(ByteOrder.LITTLE_ENDIAN);
            all.position(all.position() + bytes);
        }
        return TorchCheckpoint.finish(file, root);
    }

    /** Runs the pickle at {@code all}'s position and moves past it. */
    private static Object next(Path file, ByteBuffer all, String what, PickleReader.PersistentLoader loader)
            throws TorchCheckpointException {
        PickleReader reader = new PickleReader(file, what, all, loader != null ? loader : pid -> {
            throw new TorchCheckpointException(file, Reason.MALFORMED_PICKLE, what + ": unexpected persistent id");
        }, args -> TorchCheckpoint.rebuildTensor(file, args));
        Object o = reader.load();
        all.position(all.position() + reader.consumed());
        return o;
    }

    /** Resolves {@code ('storage', type, key, location, numel, view)}; a view is (key, offset, numel). */
    private static StorageRef storage(Path file, Map<String, Storage> storages, Object pid)
            throws TorchCheckpointException {
        if (!(pid instanceof List<?> t) || t.size() != 6 || !"storage".equals(t.get(0))
                || !(t.get(2) instanceof String key)) {
            throw new TorchCheckpointException(file, Reason.MALFORMED_PICKLE,
                    "persistent id is not ('storage', type, key, location, numel, view): " + PickleReader.typeName(pid));
        }
        TorchTensor.ElementType type = TorchCheckpoint.storageType(file, t.get(1));
        long numel = TorchCheckpoint.nonNegative(file, t.get(4), "storage " + key + " element count");
        Storage s = storages.computeIfAbsent(key, k -> new Storage(type, k, numel));
        if (s.type != type || s.numel != numel) {
            throw new TorchCheckpointException(file, Reason.BAD_STORAGE, "storage " + key + " named with two types or sizes");
        }
        Object view = t.get(5);
        if (view == null) {
            return new StorageRef(s, 0, numel);
        }
        if (!(view instanceof List<?> v) || v.size() != 3) {
            throw new TorchCheckpointException(file, Reason.MALFORMED_PICKLE, "storage view is not (key, offset, numel)");
        }
        long offset = TorchCheckpoint.nonNegative(file, v.get(1), "view offset");
        long viewNumel = TorchCheckpoint.nonNegative(file, v.get(2), "view element count");
        if (offset > numel || viewNumel > numel - offset) {
            throw new TorchCheckpointException(file, Reason.TOO_LARGE, "view of " + viewNumel + " elements at " + offset
                    + " outside storage " + key + " of " + numel);
        }
        return new StorageRef(s, offset, viewNumel);
    }
}
