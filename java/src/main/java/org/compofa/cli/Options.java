package org.compofa.cli;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code --key value} options of a subcommand, with typed getters whose errors name the option. */
final class Options {
    private final Map<String, String> values;

    private Options(Map<String, String> values) {
        this.values = values;
    }

    static Options parse(List<String> args) {
        Map<String, String> v = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--") || i + 1 >= args.size()) {
                throw new IllegalArgumentException("expected --option value, got '" + a + "'");
            }
            v.put(a.substring(2), args.get(++i));
        }
        return new Options(v);
    }

    boolean has(String key) {
        return values.containsKey(key);
    }

    String get(String key, String fallback) {
        return values.getOrDefault(key, fallback);
    }

    int integer(String key, int fallback) {
        try {
            return values.containsKey(key) ? Integer.parseInt(values.get(key)) : fallback;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " " + values.get(key) + ": not an integer");
        }
    }

    double decimal(String key, double fallback) {
        try {
            return values.containsKey(key) ? Double.parseDouble(values.get(key)) : fallback;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " " + values.get(key) + ": not a number");
        }
    }
}
