package org.compofa.io.torch;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;
import java.util.SequencedMap;
import org.compofa.io.torch.TorchCheckpointException.Reason;

/**
 * Reads files written by {@code torch.save}, in pure Java and without running anything the file
 * names: the zip format (torch 1.6 and later) and the legacy format (magic number, protocol and
 * system-info pickles, the object pickle, the storage keys, the raw storages). Only the globals a
 * state dict needs are accepted ({@link PickleReader#ALLOWED_GLOBALS}); every size is checked against
 * the bytes in the file before anything is allocated. Tensors must be contiguous in their storage.
 */
public final class TorchCheckpoint {
    /** Deepest nesting of dicts and lists accepted (a state dict needs 3 or 4). */
    static final int MAX_DEPTH = 100;
    /** The magic number that opens a legacy torch.save stream. */
    static final BigInteger LEGACY_MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
    /** The protocol version legacy torch.save writes. */
    static final long LEGACY_PROTOCOL = 1001;

    private TorchCheckpoint() {
    }

    /**
     * The object a checkpoint holds: {@code Map} (dicts and OrderedDicts, insertion ordered),
     * {@code List} (lists and tuples), {@code Long} (or {@code BigInteger} past 64 bits),
     * {@code Double}, {@code Boolean}, {@code String}, {@code byte[]}, null, and {@link TorchTensor}.
     *
     * @param file a PyTorch checkpoint, untrusted
     * @return the object
     * @throws TorchCheckpointException when the file is unreadable, not a checkpoint, malformed, names
     *                                  a global outside the allowed set, or holds an unsupported tensor
     */
    public static Object read(Path file) throws TorchCheckpointException {
        ByteBuffer head = ByteBuffer.allocate(4);
        long size;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            size = ch.size();
            while (head.hasRemaining() && ch.read(head) >= 0) {
                // fill the 4-byte head
            }
        } catch (IOException e) {
            throw new TorchCheckpointException(file, Reason.IO, e.toString(), e);
        }
        if (head.position() == 4 && head.getInt(0) == 0x504b0304) { // "PK\3\4"
            return TorchZipFormat.read(file, size);
        }
        return TorchLegacyFormat.read(file, size);
    }

    /**
     * The state dict of a checkpoint, in file order: the object itself when it is a dict of tensors,
     * else the dict under {@code state_dict}, {@code model} or {@code net}. A {@code module.} prefix
     * that every key carries (DataParallel) is removed.
     *
     * @param file a PyTorch checkpoint, untrusted
     * @return tensors by name
     * @throws TorchCheckpointException as {@link #read}, or {@link Reason#NOT_A_STATE_DICT} when no
     *                                  dict of tensors with string keys is found
     */
    public static SequencedMap<String, TorchTensor> stateDict(Path file) throws TorchCheckpointException {
        Object root = read(file);
        if (!(root instanceof Map<?, ?> map)) {
            throw new TorchCheckpointException(file, Reason.NOT_A_STATE_DICT,
                    "the checkpoint holds a " + PickleReader.typeName(root) + ", not a dict");
        }
        Map<?, ?> dict = map;
        for (String wrapper : List.of("state_dict", "model", "net")) {
            if (map.get(wrapper) instanceof Map<?, ?> inner) {
                dict = inner;
                break;
            }
        }
        boolean allPrefixed = !dict.isEmpty();
        for (Map.Entry<?, ?> e : dict.entrySet()) {
            if (!(e.getKey() instanceof String key) || !(e.getValue() instanceof TorchTensor)) {
                throw new TorchCheckpointException(file, Reason.NOT_A_STATE_DICT, "entry " + e.getKey()
                        + " is a " + PickleReader.typeName(e.getValue()) + " (a state dict maps names to tensors;"
                        + " wrappers understood: state_dict, model, net)");
            }
            allPrefixed &= key.startsWith("module.");
        }
        SequencedMap<String, TorchTensor> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : dict.entrySet()) {
            String key = (String) e.getKey();
            out.put(allPrefixed ? key.substring("module.".length()) : key, (TorchTensor) e.getValue());
        }
        return Collections.unmodifiableSequencedMap(out);
    }

    /** A storage named by a persistent id; its bytes are attached once the format has found them. */
    static final class Storage {
        final TorchTensor.ElementType type;
        final String key;
        final long numel;
        ByteBuffer data;

        Storage(TorchTensor.ElementType type, String key, long numel) {
            this.type = type;
            this.key = key;
            this.numel = numel;
        }
    }

    /** A storage or a legacy view into one: elements {@code [offset, offset + numel)} of {@code root}. */
    record StorageRef(Storage root, long offset, long numel) {
    }

    /** A tensor whose bytes are read after the pickle (the legacy format stores them behind it). */
    record PendingTensor(StorageRef storage, long offset, int[] shape, int numel) {
    }

    /** The element type of a storage type global such as {@code torch.FloatStorage}. */
    static TorchTensor.ElementType storageType(Path file, Object global) throws TorchCheckpointException {
        if (global instanceof PickleReader.Global g && g.module().equals("torch")) {
            TorchTensor.ElementType t = TorchTensor.ElementType.ofStorageName(g.name());
            if (t != null) {
                return t;
            }
        }
        throw new TorchCheckpointException(file, Reason.MALFORMED_PICKLE,
                "storage type is a " + PickleReader.typeName(global));
    }

    /** A non-negative integer argument, or MALFORMED_PICKLE naming {@code what}. */
    static long nonNegative(Path file, Object o, String what) throws TorchCheckpointException {
        if (o instanceof Long v && v >= 0) {
            return v;
        }
        throw new TorchCheckpointException(file, o instanceof BigInteger ? Reason.TOO_LARGE : Reason.MALFORMED_PICKLE,
                what + " is " + (o instanceof Long || o instanceof BigInteger ? o : PickleReader.typeName(o))
                        + ", not a non-negative integer");
    }

    /**
     * {@code _rebuild_tensor_v2(storage, offset, size, stride, ...)}: checks, with exact arithmetic,
     * that size and stride describe a contiguous tensor lying inside the storage.
     */
    static PendingTensor rebuildTensor(Path file, List<Object> args) throws TorchCheckpointException {
        if (args.size() < 4 || !(args.get(0) instanceof StorageRef ref)
                || !(args.get(2) instanceof List<?> size) || !(args.get(3) instanceof List<?> stride)) {
            throw new TorchCheckpointException(file, Reason.MALFORMED_PICKLE,
                    "tensor rebuild needs (storage, offset, size tuple, stride tuple, ...), got " + args.size()
                            + " arguments");
        }
        long offset = nonNegative(file, args.get(1), "storage offset");
        if (size.size() != stride.size() || size.size() > 64) {
            throw new TorchCheckpointException(file, Reason.UNSUPPORTED_TENSOR, "size " + size + " and stride "
                    + stride + " (equal lengths up to 64 required)");
        }
        int[] shape = new int[size.size()];
        long numel = 1;
        long expectedStride = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            long n = nonNegative(file, size.get(d), "dimension " + d);
            long s = nonNegative(file, stride.get(d), "stride " + d);
            if (n != 1 && s != expectedStride) {
                throw new TorchCheckpointException(file, Reason.UNSUPPORTED_TENSOR, "size " + size + " with stride "
                        + stride + " is not contiguous (only contiguous tensors are read)");
            }
            try {
                numel = Math.multiplyExact(numel, n);
                expectedStride = Math.multiplyExact(expectedStride, Math.max(n, 1)); // torch's rule for 0 dims
            } catch (ArithmeticException e) {
                numel = Long.MAX_VALUE;
                expectedStride = Long.MAX_VALUE;
            }
            shape[d] = (int) Math.min(n, Integer.MAX_VALUE);
        }
        if (numel > ref.numel() || offset > ref.numel() - numel) {
            throw new TorchCheckpointException(file, Reason.TOO_LARGE, "tensor of size " + size + " at offset "
                    + offset + " does not fit in storage " + ref.root().key + " of " + ref.numel() + " elements");
        }
        if (numel > Integer.MAX_VALUE - 8) {
            throw new TorchCheckpointException(file, Reason.TOO_LARGE, "tensor of " + numel
                    + " elements (a Java array holds under 2^31)");
        }
        return new PendingTensor(ref, offset, shape, (int) numel);
    }

    /**
     * Checks the tree for cycles and nesting deeper than {@link #MAX_DEPTH} (iteratively: a hostile
     * file cannot overflow the Java stack) and replaces each pending tensor by its data.
     */
    static Object finish(Path file, Object root) throws TorchCheckpointException {
        Map<PendingTensor, TorchTensor> done = new IdentityHashMap<>();
        if (root instanceof PendingTensor p) {
            return materialize(file, p, done);
        }
        Map<Object, Boolean> visited = new IdentityHashMap<>(); // false while on the path, true after
        ArrayDeque<Frame> path = new ArrayDeque<>();
        enter(file, root, visited, path);
        while (!path.isEmpty()) {
            Frame top = path.peek();
            if (!top.children().hasNext()) {
                visited.put(top.node(), Boolean.TRUE);
                path.pop();
                continue;
            }
            Object child;
            if (top.children() instanceof ListIterator<?> li) {
                child = li.next();
                if (child instanceof PendingTensor p) {
                    @SuppressWarnings("unchecked")
                    ListIterator<Object> lo = (ListIterator<Object>) li;
                    lo.set(materialize(file, p, done));
                    continue;
                }
            } else {
                @SuppressWarnings("unchecked")
                Map.Entry<Object, Object> e = (Map.Entry<Object, Object>) top.children().next();
                child = e.getValue();
                if (child instanceof PendingTensor p) {
                    e.setValue(materialize(file, p, done));
                    continue;
                }
            }
            Boolean state = visited.get(child);
            if (state == Boolean.FALSE) {
                throw new TorchCheckpointException(file, Reason.MALFORMED_PICKLE, "a container contains itself");
            }
            if (state == null) {
                enter(file, child, visited, path);
            }
        }
        return root;
    }

    /** A container on the walk and the iterator over its values (list) or entries (dict). */
    private record Frame(Object node, Iterator<?> children) {
    }

    /** Pushes a container on the walk; leaves are skipped. Refuses values that are not data. */
    private static void enter(Path file, Object node, Map<Object, Boolean> visited, ArrayDeque<Frame> path)
            throws TorchCheckpointException {
        Iterator<?> it;
        if (node instanceof ArrayList<?> list) {
            it = list.listIterator();
        } else if (node instanceof LinkedHashMap<?, ?> map) {
            it = map.entrySet().iterator();
        } else if (node == null || node instanceof String || node instanceof Long || node instanceof Double
                || node instanceof Boolean || node instanceof BigInteger || node instanceof byte[]
                || node instanceof TorchTensor) {
            return;
        } else {
            throw new TorchCheckpointException(file, Reason.MALFORMED_PICKLE,
                    "a " + PickleReader.typeName(node) + " used as a value");
        }
        if (path.size() >= MAX_DEPTH) {
            throw new TorchCheckpointException(file, Reason.TOO_LARGE, "nesting deeper than " + MAX_DEPTH);
        }
        visited.put(node, Boolean.FALSE);
        path.push(new Frame(node, it));
    }

    private static TorchTensor materialize(Path file, PendingTensor p, Map<PendingTensor, TorchTensor> done)
            throws TorchCheckpointException {
        TorchTensor t = done.get(p);
        if (t != null) {
            return t;
        }
        Storage s = p.storage().root();
        if (s.data == null) {
            throw new TorchCheckpointException(file, Reason.BAD_STORAGE, "storage " + s.key + " has no data");
        }
        int bytes = s.type.bytes();
        long first = (p.storage().offset() + p.offset()) * bytes; // within the checked storage bounds
        t = TorchTensor.fromLittleEndian(s.type, p.shape(), s.data.slice((int) first, p.numel() * bytes));
        done.put(p, t);
        return t;
    }
}
