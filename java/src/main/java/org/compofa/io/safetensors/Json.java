package org.compofa.io.safetensors;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON (RFC 8259) reader and string writer, just enough for safetensors headers. Objects
 * become {@code LinkedHashMap} (file order; a repeated key is an error), arrays {@code ArrayList},
 * integers {@code Long} (or {@code BigInteger} past 64 bits), other numbers {@code Double}, and
 * {@code String}, {@code Boolean}, null. Nesting is bounded, so no input can overflow the stack; a
 * lone surrogate escape is refused, as serde_json (which safetensors uses) refuses it.
 */
final class Json {
    /** Deepest nesting accepted (a safetensors header needs 3). */
    static final int MAX_DEPTH = 16;

    /** What is wrong with the text, and where. */
    static final class SyntaxException extends Exception {
        private static final long serialVersionUID = 1L;

        SyntaxException(String message) {
            super(message);
        }
    }

    private final String text;
    private int pos;

    private Json(String text) {
        this.text = text;
    }

    /** The value {@code text} holds; only whitespace may follow it. */
    static Object parse(String text) throws SyntaxException {
        Json p = new Json(text);
        Object v = p.value(0);
        p.skipSpace();
        if (p.pos != text.length()) {
            throw p.fail("text after the value");
        }
        return v;
    }

    private Object value(int depth) throws SyntaxException {
        skipSpace();
        if (pos >= text.length()) {
            throw fail("value expected, the text ends");
        }
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> object(depth + 1);
            case '[' -> array(depth + 1);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw fail("unexpected character '" + c + "'");
            }
        };
    }

    private Map<String, Object> object(int depth) throws SyntaxException {
        checkDepth(depth);
        pos++; // '{'
        Map<String, Object> map = new LinkedHashMap<>();
        skipSpace();
        if (peek() == '}') {
            pos++;
            return map;
        }
        while (true) {
            skipSpace();
            if (peek() != '"') {
                throw fail("object key expected");
            }
            int keyAt = pos;
            String key = string();
            skipSpace();
            expect(':');
            Object v = value(depth);
            if (map.containsKey(key)) {
                pos = keyAt;
                throw fail("key \"" + key + "\" repeated");
            }
            map.put(key, v);
            skipSpace();
            char c = peek();
            pos++;
            if (c == '}') {
                return map;
            }
            if (c != ',') {
                pos--;
                throw fail("',' or '}' expected");
            }
        }
    }

    private List<Object> array(int depth) throws SyntaxException {
        checkDepth(depth);
        pos++; // '['
        List<Object> list = new ArrayList<>();
        skipSpace();
        if (peek() == ']') {
            pos++;
            return list;
        }
        while (true) {
            list.add(value(depth));
            skipSpace();
            char c = peek();
            pos++;
            if (c == ']') {
                return list;
            }
            if (c != ',') {
                pos--;
                throw fail("',' or ']' expected");
            }
        }
    }

    private String string() throws SyntaxException {
        pos++; // opening quote
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                throw fail("unterminated string");
            }
            char c = text.charAt(pos++);
            if (c == '"') {
                return sb.toString();
            }
            if (c < 0x20) {
                pos--;
                throw fail("control character in a string");
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = peek();
            pos++;
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    char u = hex4();
                    if (Character.isHighSurrogate(u) && text.startsWith("\\u", pos)) {
                        pos += 2;
                        char low = hex4();
                        if (!Character.isLowSurrogate(low)) {
                            throw fail("high surrogate escape not followed by a low one");
                        }
                        sb.append(u).append(low);
                    } else if (Character.isSurrogate(u)) {
                        throw fail("lone surrogate escape");
                    } else {
                        sb.append(u);
                    }
                }
                default -> {
                    pos--;
                    throw fail("unknown escape");
                }
            }
        }
    }

    private char hex4() throws SyntaxException {
        if (pos + 4 > text.length()) {
            throw fail("\\u needs 4 hex digits");
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(text.charAt(pos++), 16);
            if (d < 0) {
                pos--;
                throw fail("\\u needs 4 hex digits");
            }
            v = v * 16 + d;
        }
        return (char) v;
    }

    private Object number() throws SyntaxException {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else if (!digits()) {
            throw fail("digit expected");
        }
        boolean integral = true;
        if (peek() == '.') {
            pos++;
            integral = false;
            if (!digits()) {
                throw fail("digit expected after '.'");
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            integral = false;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (!digits()) {
                throw fail("digit expected in the exponent");
            }
        }
        String s = text.substring(start, pos);
        if (!integral) {
            return Double.parseDouble(s);
        }
        if (s.length() > 4096) {
            throw fail("integer of " + s.length() + " digits");
        }
        BigInteger b = new BigInteger(s);
        return b.bitLength() < 64 ? (Object) b.longValue() : b;
    }

    private boolean digits() {
        int start = pos;
        while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
            pos++;
        }
        return pos > start;
    }

    private Object literal(String word, Object v) throws SyntaxException {
        if (!text.startsWith(word, pos)) {
            throw fail("unknown literal");
        }
        pos += word.length();
        return v;
    }

    private void checkDepth(int depth) throws SyntaxException {
        if (depth > MAX_DEPTH) {
            throw fail("nesting deeper than " + MAX_DEPTH);
        }
    }

    private void expect(char c) throws SyntaxException {
        if (peek() != c) {
            throw fail("'" + c + "' expected");
        }
        pos++;
    }

    /** The next character, or NUL at the end (never valid where a specific character is expected). */
    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void skipSpace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private SyntaxException fail(String what) {
        return new SyntaxException(what + " at character " + pos);
    }

    /** {@code s} as a JSON string literal (quotes, backslashes and control characters escaped). */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
