package org.compofa.space;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OFA MobileNetV3 spaces, built by name or by id (reference §3, §4, §10.1).
 *
 * <ul>
 *   <li>{@code ofa_mbv3_d234_e346_k357_w1.0_r128-224}: OFA, per stage d in {2,3,4}, per slot
 *       k in {3,5,7} and e in {3,4,6}; other digit lists give OFA's progressive-shrinking phases
 *       (e.g. {@code ofa_mbv3_d34_e6_k357_w1.0}) and the teacher ({@code ofa_mbv3_d4_e6_k7_w1.0}).
 *   <li>{@code compofa_mbv3_w1.0_r128-224}: CompOFA, (d, e) in {(2,3),(3,4),(4,6)} per stage, fixed
 *       per-stage kernels 3, 5, 3, 3, 5: 243 subnets per resolution.
 *   <li>{@code compofa-elastic_mbv3_k357_w1.0_r128-224}: CompOFA with elastic kernel: compound
 *       (d, e) per stage, each active slot's kernel in {3,5,7} — the reading chosen in reference
 *       §10.1 (OFA per-slot kernels plus the 7-to-5 and 5-to-3 transform matrices, as CompOFA's
 *       {@code 'compofa-elastic'} search assumes; the committed CompOFA sampler for it crashes).
 * </ul>
 * An id may omit the {@code _r...} part: then w1.0 (and below) gets 128-224 step 4 and wider
 * nets 160-224 step 4, as documented for the released supernets. {@link SearchSpace#id()} always
 * includes it.
 */
public final class SearchSpaces {
    /** Elastic stages of MobileNetV3. */
    public static final int MBV3_STAGES = 5;
    /** Block slots per stage (maximum depth) of MobileNetV3. */
    public static final int MBV3_SLOTS = 4;
    /** CompOFA's fixed kernel per stage, copied from MobileNetV3-Large (reference §4). */
    public static final List<Integer> COMPOFA_KERNELS = List.of(3, 5, 3, 3, 5);
    /** CompOFA's coupling depth to expand ratio: 2 to 3, 3 to 4, 4 to 6. */
    public static final Map<Integer, Integer> COMPOFA_EXPAND_OF_DEPTH =
            Collections.unmodifiableMap(new TreeMap<>(Map.of(2, 3, 3, 4, 4, 6)));

    private static final String W = "_w([0-9]+\\.[0-9]+)(?:_(r[0-9s-]+))?";
    private static final Pattern OFA = Pattern.compile("ofa_mbv3_d([0-9]+)_e([0-9]+)_k([0-9]+)" + W);
    private static final Pattern COMPOFA = Pattern.compile("compofa_mbv3" + W);
    private static final Pattern COMPOFA_ELASTIC = Pattern.compile("compofa-elastic_mbv3_k([0-9]+)" + W);

    private SearchSpaces() {
    }

    /**
     * The full OFA space {@code ofa_mbv3_d234_e346_k357_w<w>} at its default resolutions.
     *
     * @param widthMultiplier 1.0 or 1.2 for the released supernets
     * @return the space
     */
    public static SearchSpace ofaMbv3(double widthMultiplier) {
        return ofaMbv3(List.of(2, 3, 4), List.of(3, 4, 6), List.of(3, 5, 7), widthMultiplier,
                defaultResolutions(widthMultiplier));
    }

    /**
     * An OFA space with the given choice lists, the same in every stage and slot.
     *
     * @param depths allowed depths
     * @param expands allowed expand ratios
     * @param kernels allowed kernels
     * @param widthMultiplier supernet width multiplier
     * @param resolutions allowed resolutions
     * @return the space
     */
    public static SearchSpace ofaMbv3(List<Integer> depths, List<Integer> expands, List<Integer> kernels,
            double widthMultiplier, ResolutionSet resolutions) {
        StageRule rule = StageRule.independent(depths, expands, kernels);
        String id = "ofa_mbv3_d" + digits(rule.depths()) + "_e" + digits(rule.expands(rule.depths().getFirst()))
                + "_k" + digits(rule.kernels()) + "_w" + width(widthMultiplier) + "_" + resolutions.tag();
        return new StageWiseSpace(id, "OFA", widthMultiplier, resolutions,
                Collections.nCopies(MBV3_STAGES, rule), MBV3_SLOTS);
    }

    /**
     * CompOFA (fixed kernels) at its default resolutions.
     *
     * @param widthMultiplier supernet width multiplier
     * @return the space
     */
    public static SearchSpace compOfa(double widthMultiplier) {
        return compOfa(widthMultiplier, defaultResolutions(widthMultiplier));
    }

    /**
     * CompOFA (fixed kernels): 243 subnets per resolution.
     *
     * @param widthMultiplier supernet width multiplier
     * @param resolutions allowed resolutions
     * @return the space
     */
    public static SearchSpace compOfa(double widthMultiplier, ResolutionSet resolutions) {
        List<StageRule> rules = COMPOFA_KERNELS.stream()
                .map(k -> StageRule.compound(COMPOFA_EXPAND_OF_DEPTH, List.of(k))).toList();
        String id = "compofa_mbv3_w" + width(widthMultiplier) + "_" + resolutions.tag();
        return new StageWiseSpace(id, "CompOFA", widthMultiplier, resolutions, rules, MBV3_SLOTS);
    }

    /**
     * CompOFA with elastic kernel {3,5,7} at its default resolutions.
     *
     * @param widthMultiplier supernet width multiplier
     * @return the space
     */
    public static SearchSpace compOfaElasticKernel(double widthMultiplier) {
        return compOfaElasticKernel(List.of(3, 5, 7), widthMultiplier, defaultResolutions(widthMultiplier));
    }

    /**
     * CompOFA with elastic kernel: compound (d, e) per stage, per-slot kernel from {@code kernels}.
     *
     * @param kernels allowed kernels per slot
     * @param widthMultiplier supernet width multiplier
     * @param resolutions allowed resolutions
     * @return the space
     */
    public static SearchSpace compOfaElasticKernel(List<Integer> kernels, double widthMultiplier,
            ResolutionSet resolutions) {
        StageRule rule = StageRule.compound(COMPOFA_EXPAND_OF_DEPTH, kernels);
        String id = "compofa-elastic_mbv3_k" + digits(rule.kernels()) + "_w" + width(widthMultiplier)
                + "_" + resolutions.tag();
        return new StageWiseSpace(id, "CompOFA elastic-kernel", widthMultiplier, resolutions,
                Collections.nCopies(MBV3_STAGES, rule), MBV3_SLOTS);
    }

    /**
     * The space an id names (see the class comment for the forms).
     *
     * @param id a space id
     * @return the space
     * @throws IllegalArgumentException if the id matches no form; the message lists the forms
     */
    public static SearchSpace fromId(String id) {
        Matcher m;
        if ((m = OFA.matcher(id)).matches()) {
            double w = parseWidth(m.group(4));
            return ofaMbv3(ints(m.group(1)), ints(m.group(2)), ints(m.group(3)), w, resolutions(m.group(5), w));
        }
        if ((m = COMPOFA.matcher(id)).matches()) {
            double w = parseWidth(m.group(1));
            return compOfa(w, resolutions(m.group(2), w));
        }
        if ((m = COMPOFA_ELASTIC.matcher(id)).matches()) {
            double w = parseWidth(m.group(2));
            return compOfaElasticKernel(ints(m.group(1)), w, resolutions(m.group(3), w));
        }
        throw new IllegalArgumentException("unknown space id '" + id + "': expected"
                + " ofa_mbv3_d<digits>_e<digits>_k<digits>_w<mult>[_r<res>], compofa_mbv3_w<mult>[_r<res>]"
                + " or compofa-elastic_mbv3_k<digits>_w<mult>[_r<res>], e.g. ofa_mbv3_d234_e346_k357_w1.0,"
                + " compofa_mbv3_w1.0_r128-224, compofa-elastic_mbv3_k357_w1.0_r160-224s16");
    }

    /**
     * 128-224 step 4 up to w1.0; 160-224 step 4 for wider supernets (the w1.2 release).
     *
     * @param widthMultiplier supernet width multiplier
     * @return the resolutions
     */
    public static ResolutionSet defaultResolutions(double widthMultiplier) {
        return widthMultiplier > 1.0 ? ResolutionSet.TRAINING_W12 : ResolutionSet.TRAINING;
    }

    private static ResolutionSet resolutions(String tag, double w) {
        return tag == null ? defaultResolutions(w) : ResolutionSet.parseTag(tag);
    }

    private static double parseWidth(String text) {
        double w = Double.parseDouble(text);
        if (!(w > 0)) {
            throw new IllegalArgumentException("width multiplier w" + text + ": must be > 0");
        }
        return w;
    }

    /** 1.0 -> "1.0", 1.2 -> "1.2", 1.25 -> "1.25". */
    static String width(double w) {
        if (!(w > 0) || Double.isInfinite(w)) {
            throw new IllegalArgumentException("width multiplier " + w + ": must be a finite number > 0");
        }
        BigDecimal bd = BigDecimal.valueOf(w).stripTrailingZeros();
        return (bd.scale() < 1 ? bd.setScale(1) : bd).toPlainString();
    }

    private static String digits(List<Integer> values) {
        StringBuilder sb = new StringBuilder();
        values.forEach(sb::append);
        return sb.toString();
    }

    private static List<Integer> ints(String digits) {
        return digits.chars().map(c -> c - '0').boxed().toList();
    }
}
