package org.compofa.space;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The flat JSON form of a {@link Subnet}, with OFA's key names:
 * {@code {"d":[2,3,4,2,3],"ks":[3,3,0,0,...],"e":[3,3,0,0,...],"r":224}}.
 *
 * <p>{@link #write} emits exactly that (inactive slots as 0). {@link #parse} also accepts what OFA's
 * Python tools write: {@code "r"} as a one-element list, a {@code "wid": null} entry, and any value
 * in inactive slots (normalised away). Other keys, fractions and nesting are rejected with an
 * {@link InvalidSubnetException}. A hand-written reader keeps the package free of dependencies.
 */
public final class SubnetJson {
    private SubnetJson() {
    }

    /**
     * One line of JSON, keys in the order d, ks, e, r.
     *
     * @param subnet the subnet
     * @return one line of JSON
     */
    public static String write(Subnet subnet) {
        return "{\"d\":" + list(subnet.depths()) + ",\"ks\":" + list(subnet.kernels())
                + ",\"e\":" + list(subnet.expands()) + ",\"r\":" + subnet.resolution() + "}";
    }

    private static String list(int[] values) {
        return Arrays.stream(values).mapToObj(Integer::toString).collect(Collectors.joining(",", "[", "]"));
    }

    /**
     * Reads the form {@link #write} emits (and OFA's variant, see the class comment).
     *
     * @param json a JSON object with d, ks, e, r
     * @return the subnet
     */
    public static Subnet parse(String json) {
        if (json == null) {
            throw new InvalidSubnetException("subnet JSON is null");
        }
        Map<String, Object> fields = new Reader(json).object();
        for (String key : fields.keySet()) {
            if (!List.of("d", "ks", "e", "r", "wid").contains(key)) {
                throw new InvalidSubnetException("subnet JSON key '" + key + "' is unknown: allowed d, ks, e, r (and wid: null)");
            }
        }
        if (fields.containsKey("wid") && fields.get("wid") != null) {
            throw new InvalidSubnetException("subnet JSON 'wid' must be null: width is fixed per space, not per subnet");
        }
        int[] d = ints(fields, "d");
        int[] ks = ints(fields, "ks");
        int[] e = ints(fields, "e");
        Object r = require(fields, "r");
        if (r instanceof List<?> list) {
            if (list.size() != 1 || !(list.get(0) instanceof Integer)) {
                throw new InvalidSubnetException("subnet JSON 'r' must be an integer or a one-integer list, got " + list);
            }
            r = list.get(0);
        }
        if (!(r instanceof Integer resolution)) {
            throw new InvalidSubnetException("subnet JSON 'r' must be an integer, got " + r);
        }
        return new Subnet(d, ks, e, resolution);
    }

    private static Object require(Map<String, Object> fields, String key) {
        if (!fields.containsKey(key)) {
            throw new InvalidSubnetException("subnet JSON lacks '" + key + "': need d, ks, e and r");
        }
        return fields.get(key);
    }

    private static int[] ints(Map<String, Object> fields, String key) {
        if (!(require(fields, key) instanceof List<?> list) || !list.stream().allMatch(v -> v instanceof Integer)) {
            throw new InvalidSubnetException("subnet JSON '" + key + "' must be a list of integers");
        }
        return list.stream().mapToInt(v -> (Integer) v).toArray();
    }

    /** A reader for one object whose values are integers, null, or lists of integers. */
    private static final class Reader {
        private final String text;
        private int pos;

        Reader(String text) {
            this.text = text;
        }

        Map<String, Object> object() {
            Map<String, Object> out = new HashMap<>();
            expect('{');
            if (peek() == '}') {
                pos++;
            } else {
                do {
                    String key = string();
                    expect(':');
                    if (out.containsKey(key)) {
                        throw fail("duplicate key '" + key + "'");
                    }
                    out.put(key, value());
                } while (consumeComma());
                expect('}');
            }
            if (peek() != 0) {
                throw fail("trailing characters");
            }
            return out;
        }

        private Object value() {
            char c = peek();
            if (c == '[') {
                pos++;
                List<Object> items = new ArrayList<>();
                if (peek() == ']') {
                    pos++;
                    return items;
                }
                do {
                    items.add(number());
                } while (consumeComma());
                expect(']');
                return items;
            }
            if (text.startsWith("null", pos)) {
                pos += 4;
                return null;
            }
            return number();
        }

        private Integer number() {
            peek();
            int start = pos;
            if (pos < text.length() && text.charAt(pos) == '-') {
                pos++;
            }
            while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                pos++;
            }
            if (pos == start || pos < text.length() && ".eE".indexOf(text.charAt(pos)) >= 0) {
                throw fail("expected an integer");
            }
            try {
                return Integer.valueOf(text.substring(start, pos));
            } catch (NumberFormatException ex) {
                throw fail("integer out of range");
            }
        }

        private String string() {
            expect('"');
            int end = text.indexOf('"', pos);
            if (end < 0 || text.substring(pos, end).indexOf('\\') >= 0) {
                throw fail("expected a plain key string");
            }
            String s = text.substring(pos, end);
            pos = end + 1;
            return s;
        }

        private boolean consumeComma() {
            if (peek() == ',') {
                pos++;
                return true;
            }
            return false;
        }

        private void expect(char c) {
            if (peek() != c) {
                throw fail("expected '" + c + "'");
            }
            pos++;
        }

        /** Skips whitespace; returns the next character or 0 at the end. */
        private char peek() {
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
                pos++;
            }
            return pos < text.length() ? text.charAt(pos) : 0;
        }

        private InvalidSubnetException fail(String what) {
            return new InvalidSubnetException("subnet JSON is malformed at character " + pos + ": " + what);
        }
    }
}
