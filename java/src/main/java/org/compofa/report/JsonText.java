package org.compofa.report;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JSON text of artifact maps and lists, written by jackson-jr: strings escaped as JSON requires
 * (quotes, backslashes, control characters), numbers written as JSON numbers.
 *
 * <p>JSON has no NaN or infinity, so a non-finite {@code double} or {@code float} is written as
 * {@code null} (the key stays, its value type stays "number or null"); a reader sees "no number"
 * rather than a string in a number field. Map keys keep their iteration order.
 */
public final class JsonText {
    private static final JSON COMPACT = JSON.std.with(JSON.Feature.WRITE_NULL_PROPERTIES);
    private static final JSON PRETTY = COMPACT.with(JSON.Feature.PRETTY_PRINT_OUTPUT);

    private JsonText() {
    }

    /**
     * Indented JSON of {@code value}, ending with a newline (the form of files people read).
     *
     * @param value a map, list, string, number, boolean or null, nested freely
     * @return the JSON text
     */
    public static String pretty(Object value) {
        return write(PRETTY, value) + "\n";
    }

    /**
     * One-line JSON of {@code value}, with no spaces and no newline.
     *
     * @param value a map, list, string, number, boolean or null, nested freely
     * @return the JSON text
     */
    public static String compact(Object value) {
        return write(COMPACT, value);
    }

    private static String write(JSON json, Object value) {
        try {
            return json.asString(finite(value));
        } catch (IOException e) {
            // Writing to a String does no I/O; jackson-jr reports a value it cannot write this way.
            throw new UncheckedIOException("cannot write as JSON: " + e.getMessage(), e);
        }
    }

    /** A copy of {@code value} with every non-finite double or float replaced by null. */
    private static Object finite(Object value) {
        if (value instanceof Double d) {
            return Double.isFinite(d) ? d : null;
        }
        if (value instanceof Float f) {
            return Float.isFinite(f) ? f : null;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), finite(v)));
            return out;
        }
        if (value instanceof Collection<?> list) {
            var out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(finite(v)));
            return out;
        }
        return value;
    }
}
