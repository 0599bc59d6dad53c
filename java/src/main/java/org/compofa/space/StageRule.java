package org.compofa.space;

import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What one elastic stage may choose: its depth, then, independently for each active block slot, a
 * kernel and an expand ratio, where the allowed expand ratios may depend on the depth.
 *
 * <p>This one shape covers all three spaces: OFA (every depth allows every expand ratio), CompOFA
 * (depth d allows only e(d), so all active slots share it — reference §4; CompOFA's sampler also
 * draws e per slot from {@code mapping[d]}) and fixed kernels (a one-element kernel list).
 *
 * @param depths allowed depths, increasing
 * @param expandsByDepth allowed expand ratios for each allowed depth, each list increasing
 * @param kernels allowed kernels, increasing
 */
public record StageRule(List<Integer> depths, Map<Integer, List<Integer>> expandsByDepth, List<Integer> kernels) {

    /** Copies and checks: non-empty sorted lists, one expand list per depth. */
    public StageRule {
        depths = sortedCopy(depths, "depths");
        kernels = sortedCopy(kernels, "kernels");
        if (kernels.stream().anyMatch(k -> k % 2 == 0)) {
            throw new IllegalArgumentException("kernels " + kernels + ": must be odd");
        }
        Objects.requireNonNull(expandsByDepth, "expandsByDepth");
        if (!expandsByDepth.keySet().equals(Set.copyOf(depths))) {
            throw new IllegalArgumentException("expandsByDepth keys " + expandsByDepth.keySet()
                    + " must equal the depths " + depths);
        }
        Map<Integer, List<Integer>> copy = new LinkedHashMap<>();
        for (int d : depths) {
            copy.put(d, sortedCopy(expandsByDepth.get(d), "expands for depth " + d));
        }
        expandsByDepth = Collections.unmodifiableMap(copy);
    }

    private static List<Integer> sortedCopy(List<Integer> values, String what) {
        Objects.requireNonNull(values, what);
        List<Integer> sorted = values.stream().distinct().sorted().toList();
        if (sorted.isEmpty() || sorted.getFirst() < 1 || sorted.getLast() > Subnet.MAX_DIGIT) {
            throw new IllegalArgumentException(what + " " + values + ": need at least one value, all 1 to "
                    + Subnet.MAX_DIGIT);
        }
        return sorted;
    }

    /**
     * OFA-style: every depth allows every expand ratio and every kernel.
     *
     * @param depths allowed depths
     * @param expands allowed expand ratios
     * @param kernels allowed kernels
     * @return the rule
     */
    public static StageRule independent(List<Integer> depths, List<Integer> expands, List<Integer> kernels) {
        Map<Integer, List<Integer>> byDepth = new LinkedHashMap<>();
        depths.forEach(d -> byDepth.put(d, expands));
        return new StageRule(depths, byDepth, kernels);
    }

    /**
     * Compound: depth d implies the single expand ratio {@code expandOfDepth.get(d)}.
     *
     * @param expandOfDepth expand ratio per allowed depth
     * @param kernels allowed kernels
     * @return the rule
     */
    public static StageRule compound(Map<Integer, Integer> expandOfDepth, List<Integer> kernels) {
        Map<Integer, List<Integer>> byDepth = new LinkedHashMap<>();
        expandOfDepth.forEach((d, e) -> byDepth.put(d, List.of(e)));
        return new StageRule(List.copyOf(expandOfDepth.keySet()), byDepth, kernels);
    }

    /**
     * Allowed expand ratios for an allowed depth.
     *
     * @param depth an allowed depth
     * @return the expand ratios
     */
    public List<Integer> expands(int depth) {
        List<Integer> e = expandsByDepth.get(depth);
        if (e == null) {
            throw new IllegalArgumentException("depth " + depth + " is not allowed: " + depths);
        }
        return e;
    }

    /**
     * Whether the allowed expand ratios depend on the depth (a compound coupling).
     *
     * @return true when compound
     */
    public boolean isCompound() {
        return expandsByDepth.values().stream().distinct().count() > 1;
    }

    /**
     * Number of distinct configurations of this stage: sum over d of (|K| * |E(d)|)^d.
     *
     * @return the count, &gt;= 1
     */
    public BigInteger configurations() {
        BigInteger total = BigInteger.ZERO;
        for (int d : depths) {
            total = total.add(BigInteger.valueOf((long) kernels.size() * expands(d).size()).pow(d));
        }
        return total;
    }

    /** "(2,3),(3,4),(4,6)" — the allowed (depth, expand) pairs, for messages. */
    String describePairs() {
        return depths.stream()
                .map(d -> "(" + d + "," + expands(d).stream().map(String::valueOf).collect(Collectors.joining("|")) + ")")
                .collect(Collectors.joining(","));
    }

    /** "2, 3, 4", for messages. */
    static String join(List<Integer> values) {
        return values.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }
}
