package org.compofa.space;

import java.util.List;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * The input resolutions of a space: {@code min, min+step, ..., max} (reference §3.7).
 *
 * <p>Id tag: {@code r224} (one size), {@code r128-224} (step 4, OFA's training convention) or
 * {@code r160-224s16} (any other step).
 *
 * @param min smallest side in pixels (at least 1)
 * @param max largest side in pixels ({@code max - min} a multiple of {@code step})
 * @param step distance between sizes (at least 1)
 */
public record ResolutionSet(int min, int max, int step) {
    /** Step implied by a tag without {@code s<step>}. */
    public static final int DEFAULT_STEP = 4;
    /** OFA/CompOFA training sizes: 128, 132, ..., 224 (25 sizes). */
    public static final ResolutionSet TRAINING = new ResolutionSet(128, 224, 4);
    /** OFA/CompOFA search sizes: 160, 176, 192, 208, 224. */
    public static final ResolutionSet SEARCH = new ResolutionSet(160, 224, 16);
    /** The w1.2 supernet's documented range: 160, 164, ..., 224. */
    public static final ResolutionSet TRAINING_W12 = new ResolutionSet(160, 224, 4);

    private static final Pattern TAG = Pattern.compile("r([0-9]{1,5})(?:-([0-9]{1,5})(?:s([0-9]{1,5}))?)?");

    /** Checks the range; a single size always gets step 1, so equal sets compare equal. */
    public ResolutionSet {
        if (min == max && step >= 1) {
            step = 1;
        }
        if (min < 1 || step < 1 || max < min || (max - min) % step != 0) {
            throw new IllegalArgumentException("resolutions " + min + " to " + max + " step " + step
                    + ": need 1 <= min <= max, step >= 1 and (max - min) a multiple of step");
        }
    }

    /**
     * A single resolution.
     *
     * @param resolution the size in pixels, &gt;= 1
     * @return a set of one size
     */
    public static ResolutionSet of(int resolution) {
        return new ResolutionSet(resolution, resolution, 1);
    }

    /**
     * Parses a tag written by {@link #tag()}.
     *
     * @param tag e.g. {@code r128-224} or {@code r224}
     * @return the set it names
     */
    public static ResolutionSet parseTag(String tag) {
        Matcher m = TAG.matcher(tag);
        if (!m.matches()) {
            throw new IllegalArgumentException("resolution tag '" + tag
                    + "' is malformed: expected r224, r128-224 (step 4) or r160-224s16");
        }
        int lo = Integer.parseInt(m.group(1));
        if (m.group(2) == null) {
            return of(lo);
        }
        int step = m.group(3) == null ? DEFAULT_STEP : Integer.parseInt(m.group(3));
        return new ResolutionSet(lo, Integer.parseInt(m.group(2)), step);
    }

    /**
     * The id tag, e.g. {@code r128-224}.
     *
     * @return the tag, parseable by {@link #parseTag(String)}
     */
    public String tag() {
        if (min == max) {
            return "r" + min;
        }
        return "r" + min + "-" + max + (step == DEFAULT_STEP ? "" : "s" + step);
    }

    /**
     * Number of sizes.
     *
     * @return the number of sizes, &gt;= 1
     */
    public int size() {
        return (max - min) / step + 1;
    }

    /**
     * The sizes in increasing order.
     *
     * @return the sizes in pixels, increasing
     */
    public List<Integer> values() {
        return IntStream.range(0, size()).map(i -> min + i * step).boxed().toList();
    }

    /**
     * Whether {@code r} is one of the sizes.
     *
     * @param r a side in pixels
     * @return true when r is in the set
     */
    public boolean contains(int r) {
        return r >= min && r <= max && (r - min) % step == 0;
    }

    /**
     * One size, uniformly.
     *
     * @param rnd the random source
     * @return a size of the set
     */
    public int sample(RandomGenerator rnd) {
        return min + rnd.nextInt(size()) * step;
    }

    /** What is allowed, for messages: "allowed 128 to 224 step 4". */
    String describe() {
        return min == max ? "allowed " + min : "allowed " + min + " to " + max + " step " + step;
    }
}
