package org.compofa.io.safetensors;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Strict JSON (RFC 8259) for safetensors headers, through jackson-jr. Objects become ordered maps
 * (file order; a repeated key is an error), arrays lists, integers {@code Integer} or {@code Long}
 * ({@code BigInteger} past 64 bits), other numbers {@code Double}, and {@code String},
 * {@code Boolean}, null. Nesting is bounded by jackson-core's {@link StreamReadConstraints}, so no
 * input can overflow the stack; comments, single quotes, leading zeros, trailing commas, unknown
 * escapes and raw control characters are refused (jackson's defaults), as is text after the value;
 * a lone surrogate is refused by a walk over the result, as serde_json (which safetensors uses)
 * refuses it. Field names are not interned, so a hostile header cannot fill the JVM's string table.
 */
final class Json {
    /** Deepest nesting accepted (a safetensors header needs 3). */
    static final int MAX_DEPTH = 16;
    private static final JSON JR = JSON.std.with(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH)
                            .maxStringLength((int) Safetensors.MAX_HEADER_BYTES)
                            .maxNameLength((int) Safetensors.MAX_HEADER_BYTES).build())
                    .disable(JsonFactory.Feature.INTERN_FIELD_NAMES).build())
            .with(JSON.Feature.FAIL_ON_DUPLICATE_MAP_KEYS);

    private Json() {
    }

    /** What is wrong with the text, and where. */
    static final class SyntaxException extends Exception {
        private static final long serialVersionUID = 1L;

        SyntaxException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The value {@code text} holds; only whitespace may follow it. */
    static Object parse(String text) throws SyntaxException {
        Object value;
        try (JsonParser p = JR.getStreamingFactory().createParser(text)) {
            try {
                value = JR.anyFrom(p);
            } catch (JacksonException e) {
                throw fail(e, e.getOriginalMessage());
            }
            try {
                if (p.nextToken() != null) {
                    throw new SyntaxException("text after the value at character "
                            + p.currentTokenLocation().getCharOffset(), null);
                }
            } catch (JacksonException e) {
                throw fail(e, "text after the value: " + e.getOriginalMessage());
            }
        } catch (IOException e) {
            throw new SyntaxException("unreadable: " + e.getMessage(), e); // a String source does no I/O
        }
        requireWholeSurrogates(value);
        return value;
    }

    /** One-line JSON of {@code value} (maps, lists, strings, numbers), as UTF-8. */
    static byte[] write(Object value) {
        try {
            return JR.asString(value).getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write the header as JSON: " + e.getMessage(), e);
        }
    }

    private static SyntaxException fail(JacksonException e, String what) {
        long at = e.getLocation() == null ? -1 : e.getLocation().getCharOffset();
        return new SyntaxException(what + (at < 0 ? "" : " at character " + at), e);
    }

    /** Refuses a string or key holding a surrogate without its partner (depth is bounded by the parse). */
    private static void requireWholeSurrogates(Object value) throws SyntaxException {
        if (value instanceof String s) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else if (Character.isSurrogate(c)) {
                    throw new SyntaxException("lone surrogate in the string \"" + s.substring(0, i) + "...\"", null);
                }
            }
        } else if (value instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                requireWholeSurrogates(e.getKey());
                requireWholeSurrogates(e.getValue());
            }
        } else if (value instanceof List<?> l) {
            for (Object o : l) {
                requireWholeSurrogates(o);
            }
        }
    }
}
