package org.compofa.space;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The flat JSON form of a {@link Subnet}, with OFA's key names:
 * {@code {"d":[2,3,4,2,3],"ks":[3,3,0,0,...],"e":[3,3,0,0,...],"r":224}}.
 *
 * <p>{@link #write} emits exactly that (inactive slots as 0). {@link #parse} also accepts what OFA's
 * Python tools write: {@code "r"} as a one-element list, a {@code "wid": null} entry, and any value
 * in inactive slots (normalised away). Other keys, fractions and nesting are rejected with an
 * {@link InvalidSubnetException}, as are duplicate keys and anything after the object. Written and
 * read with jackson-jr.
 */
public final class SubnetJson {
    /** jackson-jr, refusing duplicate keys (the stricter reading of RFC 8259's "SHOULD be unique"). */
    private static final JSON STRICT = JSON.std.with(JSON.Feature.FAIL_ON_DUPLICATE_MAP_KEYS);

    private SubnetJson() {
    }

    /**
     * One line of JSON, keys in the order d, ks, e, r.
     *
     * @param subnet the subnet
     * @return one line of JSON
     */
    public static String write(Subnet subnet) {
        try {
            return JSON.std.asString(fields(subnet));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write subnet " + subnet.id() + " as JSON", e);
        }
    }

    /**
     * The JSON object of {@link #write} as a map (keys d, ks, e, r in that order), to nest in a bigger
     * document.
     *
     * @param subnet the subnet
     * @return a new ordered map of int lists and the resolution
     */
    public static Map<String, Object> fields(Subnet subnet) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("d", IntStream.of(subnet.depths()).boxed().toList());
        m.put("ks", IntStream.of(subnet.kernels()).boxed().toList());
        m.put("e", IntStream.of(subnet.expands()).boxed().toList());
        m.put("r", subnet.resolution());
        return m;
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
        Map<String, Object> fields = readObject(json);
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

    /** Reads one JSON object and nothing after it; duplicate keys rejected. */
    private static Map<String, Object> readObject(String json) {
        if (json.isBlank()) {
            throw new InvalidSubnetException("subnet JSON is empty: need an object with d, ks, e and r");
        }
        Map<String, Object> fields;
        try (JsonParser p = STRICT.getStreamingFactory().createParser(json)) {
            try {
                fields = STRICT.mapFrom(p);
            } catch (JacksonException e) {
                throw malformed(e, e.getOriginalMessage());
            }
            try {
                if (p.nextToken() != null) {
                    throw malformed(null, "trailing characters after the object");
                }
            } catch (JacksonException e) {
                throw malformed(e, "trailing characters after the object");
            }
        } catch (IOException e) {
            throw new InvalidSubnetException("subnet JSON is unreadable: " + e.getMessage(), e);
        }
        if (fields == null) {
            throw new InvalidSubnetException("subnet JSON is empty: need an object with d, ks, e and r");
        }
        return fields;
    }

    private static InvalidSubnetException malformed(JacksonException e, String what) {
        long offset = e == null || e.getLocation() == null ? -1 : e.getLocation().getCharOffset();
        String at = offset < 0 ? "" : " at character " + offset;
        String reason = what.startsWith("Duplicate key") ? "duplicate key" + what.substring("Duplicate key".length())
                : what;
        return new InvalidSubnetException("subnet JSON is malformed" + at + ": " + reason, e);
    }
}
