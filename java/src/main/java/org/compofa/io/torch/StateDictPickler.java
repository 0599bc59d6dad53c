package org.compofa.io.torch;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The {@code data.pkl} of a state dict, byte for byte what Python's pickler (protocol 2) emits when
 * torch.save pickles an {@code OrderedDict} of contiguous CPU tensors that own their storages:
 * {@code OrderedDict()} by GLOBAL + REDUCE, items in batches of 1000 (MARK ... SETITEMS, SETITEM for
 * a batch of one), each tensor as {@code torch._utils._rebuild_tensor_v2(persistent_id(('storage',
 * torch.XStorage, key, 'cpu', numel)), 0, size, stride, False, OrderedDict())}, and a memo entry
 * (BINPUT) after every object Python memoizes, so repeated globals and strings are BINGETs.
 */
final class StateDictPickler {
    /** Items per SETITEMS, as Python's {@code pickle._Pickler._BATCHSIZE}. */
    private static final int BATCH = 1000;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private int memoSize;
    private int orderedDictMemo = -1;
    private int rebuildMemo = -1;
    private int storageStringMemo = -1;
    private int cpuStringMemo = -1;
    private final int[] storageTypeMemo = new int[TorchTensor.ElementType.values().length];

    /** One tensor as the pickle names it: its storage key, storage type, shape. */
    record Item(String name, String storageKey, TorchTensor.ElementType type, int[] shape) {
    }

    private StateDictPickler() {
        java.util.Arrays.fill(storageTypeMemo, -1);
    }

    /** The pickle of the OrderedDict of {@code items}, in order. */
    static byte[] pickle(List<Item> items) {
        StateDictPickler p = new StateDictPickler();
        p.op(0x80).op(2); // PROTO 2
        p.orderedDictMemo = p.global("collections", "OrderedDict");
        p.op(')').op('R').put(); // OrderedDict()
        for (int start = 0; start < items.size(); start += BATCH) {
            List<Item> batch = items.subList(start, Math.min(items.size(), start + BATCH));
            if (batch.size() > 1) {
                p.op('(');
            }
            for (Item item : batch) {
                p.string(item.name());
                p.put();
                p.tensor(item);
            }
            p.op(batch.size() > 1 ? 'u' : 's');
        }
        p.op('.');
        return p.out.toByteArray();
    }

    private void tensor(Item item) {
        rebuildMemo = getOrGlobal(rebuildMemo, "torch._utils", "_rebuild_tensor_v2");
        op('('); // the 6-tuple of arguments
        op('('); // the persistent id ('storage', type, key, location, numel)
        storageStringMemo = getOrString(storageStringMemo, "storage");
        int t = item.type().ordinal();
        storageTypeMemo[t] = getOrGlobal(storageTypeMemo[t], "torch", item.type().storageName());
        string(item.storageKey());
        put();
        cpuStringMemo = getOrString(cpuStringMemo, "cpu");
        long numel = 1;
        for (int d : item.shape()) {
            numel *= d;
        }
        integer(numel);
        op('t').put();
        op('Q'); // BINPERSID
        integer(0); // storage offset
        int[] shape = item.shape();
        tuple(shape);
        tuple(contiguousStrides(shape));
        op(0x89); // requires_grad False
        get(orderedDictMemo);
        op(')').op('R').put(); // backward hooks: OrderedDict()
        op('t').put();
        op('R').put();
    }

    /** Torch's strides of a contiguous tensor: a dimension of size 0 counts as 1. */
    static int[] contiguousStrides(int[] shape) {
        int[] stride = new int[shape.length];
        long s = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            stride[d] = (int) s;
            s *= Math.max(shape[d], 1);
        }
        return stride;
    }

    /** A tuple of ints: EMPTY_TUPLE (not memoized), TUPLE1..3, or MARK ... TUPLE. */
    private void tuple(int[] values) {
        if (values.length == 0) {
            op(')');
            return;
        }
        if (values.length > 3) {
            op('(');
        }
        for (int v : values) {
            integer(v);
        }
        op(switch (values.length) {
            case 1 -> 0x85;
            case 2 -> 0x86;
            case 3 -> 0x87;
            default -> 't';
        }).put();
    }

    /** BININT1, BININT2 or BININT, as Python picks for a non-negative int below 2^31. */
    private void integer(long v) {
        if (v < 0 || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("integer " + v + " outside [0, 2^31)");
        }
        if (v <= 0xff) {
            op('K').op((int) v);
        } else if (v <= 0xffff) {
            op('M').le((int) v, 2);
        } else {
            op('J').le((int) v, 4);
        }
    }

    private int getOrGlobal(int memo, String module, String name) {
        if (memo >= 0) {
            get(memo);
            return memo;
        }
        return global(module, name);
    }

    private int getOrString(int memo, String s) {
        if (memo >= 0) {
            get(memo);
            return memo;
        }
        string(s);
        return put();
    }

    private int global(String module, String name) {
        op('c');
        out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
        return put();
    }

    /** BINUNICODE (the caller memoizes). */
    private void string(String s) {
        byte[] u = s.getBytes(StandardCharsets.UTF_8);
        op('X').le(u.length, 4);
        out.writeBytes(u);
    }

    /** Memoizes the top of the stack (BINPUT, or LONG_BINPUT past 255); returns its index. */
    private int put() {
        int index = memoSize++;
        if (index < 256) {
            op('q').op(index);
        } else {
            op('r').le(index, 4);
        }
        return index;
    }

    private void get(int index) {
        if (index < 256) {
            op('h').op(index);
        } else {
            op('j').le(index, 4);
        }
    }

    private StateDictPickler op(int b) {
        out.write(b);
        return this;
    }

    private void le(int v, int bytes) {
        for (int i = 0; i < bytes; i++) {
            out.write(v >>> (8 * i));
        }
    }
}
