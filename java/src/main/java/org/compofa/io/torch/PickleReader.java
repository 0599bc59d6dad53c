package org.compofa.io.torch;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.compofa.io.torch.TorchCheckpointException.Reason;

/**
 * A restricted unpickler for the opcodes torch.save emits (protocols 2 to 5), in the spirit of
 * {@code torch.load(weights_only=True)}: it builds dicts, lists, tuples (as lists), numbers, strings
 * and bytes, and calls only {@link #ALLOWED_GLOBALS}; any other global is refused when it is named,
 * before anything could use it. Python ints become {@code Long} (or {@code BigInteger} past 64 bits),
 * floats {@code Double}, dicts {@code LinkedHashMap}. Persistent ids (storages) and tensor rebuild calls
 * are handed to the caller's functions. Every length is checked against the bytes left; every opcode
 * consumes at least one byte, so the stack and memo cannot outgrow the input, and at most
 * {@link #MAX_OPCODES} run.
 */
final class PickleReader {
    /** Globals a torch state dict needs; nothing here can run code. */
    static final Set<String> ALLOWED_GLOBALS = Set.of(
            "collections.OrderedDict", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor",
            "torch.FloatStorage", "torch.HalfStorage", "torch.BFloat16Storage", "torch.DoubleStorage",
            "torch.LongStorage", "torch.IntStorage", "torch.ByteStorage", "torch.BoolStorage");

    /**
     * Most opcodes one pickle may run. Each creates at most one small object, so this bounds the heap a
     * hostile pickle can claim (~100 MB) where the byte bound alone would allow tens of bytes of objects
     * per byte of file. A state dict needs ~25 per tensor (OFA's w1.0 supernet: ~12k).
     */
    static final int MAX_OPCODES = 1 << 21;

    /** Marks an open MARK on the stack. */
    private static final Object MARK = new Object();

    /** A global named by GLOBAL/STACK_GLOBAL, already checked against {@link #ALLOWED_GLOBALS}. */
    record Global(String module, String name) {
        String qualified() {
            return module + "." + name;
        }
    }

    /** A call of a {@code torch._utils._rebuild_tensor*} global, with its arguments. */
    interface TensorRebuilder {
        Object rebuild(List<Object> args) throws TorchCheckpointException;
    }

    /** Maps a persistent id to the object it stands for. */
    interface PersistentLoader {
        Object load(Object pid) throws TorchCheckpointException;
    }

    private final Path file;
    private final String what;
    private final ByteBuffer in;
    private final PersistentLoader persistentLoader;
    private final TensorRebuilder tensorRebuilder;
    private final ArrayList<Object> stack = new ArrayList<>();
    private final ArrayList<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();

    /**
     * A reader of the pickle that starts at {@code in}'s position; {@code what} names it in errors
     * ("data.pkl", "legacy sys info").
     */
    PickleReader(Path file, String what, ByteBuffer in, PersistentLoader persistentLoader,
            TensorRebuilder tensorRebuilder) {
        this.file = file;
        this.what = what;
        this.in = in.slice().order(ByteOrder.LITTLE_ENDIAN);
        this.persistentLoader = persistentLoader;
        this.tensorRebuilder = tensorRebuilder;
    }

    /** Bytes consumed so far (after {@link #load()}: the pickle's length). */
    int consumed() {
        return in.position();
    }

    /** Runs the pickle to its STOP and returns the object it built. */
    Object load() throws TorchCheckpointException {
        for (int count = 0; ; count++) {
            if (count >= MAX_OPCODES) {
                throw fail(Reason.TOO_LARGE, "more than " + MAX_OPCODES + " opcodes (a state dict needs far fewer)");
            }
            int op = u8();
            switch (op) {
                case 0x80 -> { // PROTO
                    int proto = u8();
                    if (proto < 2 || proto > 5) {
                        throw fail(Reason.MALFORMED_PICKLE, "pickle protocol " + proto + " (allowed: 2 to 5)");
                    }
                }
                case 0x95 -> { // FRAME: a length hint only
                    long n = in64();
                    if (n < 0 || n > in.remaining()) {
                        throw fail(Reason.TRUNCATED, "frame of " + n + " bytes with " + in.remaining() + " left");
                    }
                }
                case '.' -> { // STOP
                    if (stack.size() != 1 || !marks.isEmpty()) {
                        throw fail(Reason.MALFORMED_PICKLE, "STOP with " + stack.size() + " objects on the stack");
                    }
                    return stack.get(0);
                }
                case '(' -> {
                    marks.add(stack.size());
                    stack.add(MARK);
                }
                case '}' -> stack.add(new LinkedHashMap<>());
                case ']', ')' -> stack.add(new ArrayList<>());
                case 't' -> stack.add(popToMark());
                case 0x85 -> stack.add(tuple(1));
                case 0x86 -> stack.add(tuple(2));
                case 0x87 -> stack.add(tuple(3));
                case 'J' -> stack.add((long) in.getInt(need(4)));
                case 'K' -> stack.add((long) u8());
                case 'M' -> stack.add((long) (in.getShort(need(2)) & 0xffff));
                case 0x8a -> stack.add(longN(u8()));
                case 0x8b -> stack.add(longN(length(in.getInt(need(4)) & 0xffffffffL)));
                case 'G' -> stack.add(Double.longBitsToDouble(Long.reverseBytes(in.getLong(need(8)))));
                case 0x8c -> stack.add(utf8(u8()));
                case 'X' -> stack.add(utf8(length(in.getInt(need(4)) & 0xffffffffL)));
                case 0x8d -> stack.add(utf8(length(in64())));
                case 'T' -> stack.add(latin1(length(in.getInt(need(4)) & 0xffffffffL)));
                case 'U' -> stack.add(latin1(u8()));
                case 'B' -> stack.add(bytes(length(in.getInt(need(4)) & 0xffffffffL)));
                case 'C' -> stack.add(bytes(u8()));
                case 0x8e -> stack.add(bytes(length(in64())));
                case 'N' -> stack.add(null);
                case 0x88 -> stack.add(Boolean.TRUE);
                case 0x89 -> stack.add(Boolean.FALSE);
                case 'a' -> {
                    Object item = pop();
                    asList(peek(), "APPEND").add(item);
                }
                case 'e' -> {
                    List<Object> items = popToMark();
                    asList(peek(), "APPENDS").addAll(items);
                }
                case 's' -> {
                    Object value = pop();
                    Object key = pop();
                    put(asMap(peek(), "SETITEM"), key, value);
                }
                case 'u' -> {
                    List<Object> items = popToMark();
                    if (items.size() % 2 != 0) {
                        throw fail(Reason.MALFORMED_PICKLE, "SETITEMS with an odd number of items");
                    }
                    Map<Object, Object> map = asMap(peek(), "SETITEMS");
                    for (int i = 0; i < items.size(); i += 2) {
                        put(map, items.get(i), items.get(i + 1));
                    }
                }
                case 'q' -> memo.put((long) u8(), peek());
                case 'r' -> memo.put(in.getInt(need(4)) & 0xffffffffL, peek());
                case 0x94 -> memo.put((long) memo.size(), peek());
                case 'h' -> stack.add(memoGet(u8()));
                case 'j' -> stack.add(memoGet(in.getInt(need(4)) & 0xffffffffL));
                case '0' -> pop();
                case '1' -> popToMark();
                case '2' -> stack.add(peek());
                case 'c' -> stack.add(global(line(), line()));
                case 0x93 -> {
                    Object name = pop();
                    Object module = pop();
                    if (!(module instanceof String m) || !(name instanceof String n)) {
                        throw fail(Reason.MALFORMED_PICKLE, "STACK_GLOBAL of non-strings");
                    }
                    stack.add(global(m, n));
                }
                case 'R' -> {
                    Object args = pop();
                    stack.add(call(pop(), asList(args, "REDUCE arguments"), "REDUCE"));
                }
                case 0x81 -> { // NEWOBJ: cls.__new__(cls, *args)
                    Object args = pop();
                    stack.add(call(pop(), asList(args, "NEWOBJ arguments"), "NEWOBJ"));
                }
                case 'b' -> build(pop(), peek());
                case 'Q' -> stack.add(persistentLoader.load(pop()));
                default -> throw fail(Reason.MALFORMED_PICKLE,
                        String.format("opcode 0x%02x at byte %d is not supported", op, in.position() - 1));
            }
        }
    }

    private Object global(String module, String name) throws TorchCheckpointException {
        String qualified = module + "." + name;
        if (!ALLOWED_GLOBALS.contains(qualified)) {
            throw fail(Reason.FORBIDDEN_GLOBAL, qualified + " (allowed: OrderedDict, torch tensor rebuild "
                    + "functions and storage types)");
        }
        return new Global(module, name);
    }

    private Object call(Object callable, List<Object> args, String op) throws TorchCheckpointException {
        if (!(callable instanceof Global g)) {
            throw fail(Reason.MALFORMED_PICKLE, op + " of a " + typeName(callable) + ", not a global");
        }
        switch (g.qualified()) {
            case "collections.OrderedDict" -> {
                if (!args.isEmpty()) {
                    throw fail(Reason.MALFORMED_PICKLE, "OrderedDict called with " + args.size() + " arguments");
                }
                return new LinkedHashMap<>();
            }
            case "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor" -> {
                if (!op.equals("REDUCE")) {
                    throw fail(Reason.MALFORMED_PICKLE, op + " of " + g.qualified());
                }
                return tensorRebuilder.rebuild(args);
            }
            default -> throw fail(Reason.FORBIDDEN_GLOBAL, g.qualified() + " called by " + op
                    + " (only OrderedDict and the tensor rebuild functions may be called)");
        }
    }

    /** BUILD: only an OrderedDict's attribute dict (torch's {@code _metadata}), which is dropped. */
    private void build(Object state, Object target) throws TorchCheckpointException {
        if (!(target instanceof Map) || !(state instanceof Map || state == null)) {
            throw fail(Reason.MALFORMED_PICKLE, "BUILD of a " + typeName(target) + " with a " + typeName(state));
        }
    }

    private void put(Map<Object, Object> map, Object key, Object value) throws TorchCheckpointException {
        // Scalar keys only: a container key's hashCode would recurse over attacker-made nesting.
        if (!(key == null || key instanceof String || key instanceof Long || key instanceof Double
                || key instanceof Boolean || key instanceof BigInteger)) {
            throw fail(Reason.MALFORMED_PICKLE, "dict key of type " + typeName(key));
        }
        map.put(key, value);
    }

    private List<Object> tuple(int n) throws TorchCheckpointException {
        if (stack.size() - base() < n) {
            throw fail(Reason.MALFORMED_PICKLE, "TUPLE" + n + " with " + (stack.size() - base()) + " objects");
        }
        List<Object> top = stack.subList(stack.size() - n, stack.size());
        ArrayList<Object> t = new ArrayList<>(top);
        top.clear();
        return t;
    }

    private ArrayList<Object> popToMark() throws TorchCheckpointException {
        if (marks.isEmpty()) {
            throw fail(Reason.MALFORMED_PICKLE, "no MARK for the opcode before byte " + in.position());
        }
        int mark = marks.remove(marks.size() - 1);
        List<Object> top = stack.subList(mark + 1, stack.size());
        ArrayList<Object> items = new ArrayList<>(top);
        stack.subList(mark, stack.size()).clear();
        return items;
    }

    /** Index of the first stack slot above the innermost MARK. */
    private int base() {
        return marks.isEmpty() ? 0 : marks.get(marks.size() - 1) + 1;
    }

    private Object pop() throws TorchCheckpointException {
        if (stack.size() <= base()) {
            throw fail(Reason.MALFORMED_PICKLE, "stack underflow before byte " + in.position());
        }
        return stack.remove(stack.size() - 1);
    }

    private Object peek() throws TorchCheckpointException {
        if (stack.size() <= base()) {
            throw fail(Reason.MALFORMED_PICKLE, "stack underflow before byte " + in.position());
        }
        return stack.get(stack.size() - 1);
    }

    private Object memoGet(long index) throws TorchCheckpointException {
        if (!memo.containsKey(index)) {
            throw fail(Reason.MALFORMED_PICKLE, "memo entry " + index + " was never stored");
        }
        return memo.get(index);
    }

    @SuppressWarnings("unchecked")
    private List<Object> asList(Object o, String op) throws TorchCheckpointException {
        if (o instanceof ArrayList<?> l) {
            return (List<Object>) l;
        }
        throw fail(Reason.MALFORMED_PICKLE, op + " on a " + typeName(o) + ", not a list or tuple");
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> asMap(Object o, String op) throws TorchCheckpointException {
        if (o instanceof Map<?, ?> m) {
            return (Map<Object, Object>) m;
        }
        throw fail(Reason.MALFORMED_PICKLE, op + " on a " + typeName(o) + ", not a dict");
    }

    static String typeName(Object o) {
        if (o == null) {
            return "None";
        }
        if (o == MARK) {
            return "MARK";
        }
        if (o instanceof Global g) {
            return "global " + g.qualified();
        }
        return o.getClass().getSimpleName();
    }

    private int u8() throws TorchCheckpointException {
        return in.get(need(1)) & 0xff;
    }

    private long in64() throws TorchCheckpointException {
        return in.getLong(need(8));
    }

    /** Position of the next {@code n} bytes, consumed; TRUNCATED when fewer are left. */
    private int need(int n) throws TorchCheckpointException {
        if (in.remaining() < n) {
            throw fail(Reason.TRUNCATED, what + " ends at byte " + in.limit() + ", " + n
                    + " more bytes needed at byte " + in.position());
        }
        int p = in.position();
        in.position(p + n);
        return p;
    }

    /** A declared length, checked against the bytes left before anything is allocated. */
    private int length(long n) throws TorchCheckpointException {
        if (n < 0 || n > in.remaining()) {
            throw fail(n < 0 || n > Integer.MAX_VALUE ? Reason.TOO_LARGE : Reason.TRUNCATED,
                    "length " + Long.toUnsignedString(n) + " at byte " + in.position() + " with "
                            + in.remaining() + " bytes left");
        }
        return (int) n;
    }

    private byte[] bytes(int n) throws TorchCheckpointException {
        byte[] b = new byte[n];
        in.get(need(n), b);
        return b;
    }

    private String utf8(int n) throws TorchCheckpointException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes(n))).toString();
        } catch (CharacterCodingException e) {
            throw fail(Reason.MALFORMED_PICKLE, "string of invalid UTF-8 before byte " + in.position());
        }
    }

    private String latin1(int n) throws TorchCheckpointException {
        return new String(bytes(n), StandardCharsets.ISO_8859_1);
    }

    /** A newline-terminated ASCII line (GLOBAL's operands), at most 256 bytes. */
    private String line() throws TorchCheckpointException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int c = u8();
            if (c == '\n') {
                return sb.toString();
            }
            if (c < 0x20 || c > 0x7e || sb.length() >= 256) {
                throw fail(Reason.MALFORMED_PICKLE, "GLOBAL operand is not a short ASCII line");
            }
            sb.append((char) c);
        }
    }

    /** A little-endian two's-complement integer of {@code n} bytes (LONG1/LONG4). */
    private Object longN(int n) throws TorchCheckpointException {
        if (n > 64) {
            throw fail(Reason.TOO_LARGE, "integer of " + n + " bytes (at most 64 allowed)");
        }
        byte[] le = bytes(n);
        if (n == 0) {
            return 0L;
        }
        byte[] be = new byte[n];
        for (int i = 0; i < n; i++) {
            be[i] = le[n - 1 - i];
        }
        BigInteger v = new BigInteger(be);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private TorchCheckpointException fail(Reason reason, String detail) {
        return new TorchCheckpointException(file, reason, what + ": " + detail);
    }
}
