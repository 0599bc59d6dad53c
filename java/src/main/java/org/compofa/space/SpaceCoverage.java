package org.compofa.space;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a per-subnet table (accuracy, latency) claims to cover, checked against its space. A table
 * declares its resolutions; in a space small enough to enumerate it must then hold every subnet at
 * each of them (a table with rows missing would silently change what a search answers). In a larger
 * space a table can only be a sample, and its declared row count is what is checked.
 */
public final class SpaceCoverage {
    /** How many missing subnets a message names. */
    private static final int NAMED = 3;

    private SpaceCoverage() {
    }

    /**
     * The sorted distinct resolutions of {@code subnets} as a comma list (the value a table writes).
     *
     * @param subnets any subnets
     * @return e.g. {@code 160,224}
     */
    public static String resolutionsOf(Collection<Subnet> subnets) {
        TreeSet<Integer> r = new TreeSet<>();
        subnets.forEach(s -> r.add(s.resolution()));
        return String.join(",", r.stream().map(String::valueOf).toList());
    }

    /**
     * Parses a declared comma list of resolutions.
     *
     * @param value comma-separated sizes
     * @param space the space that must allow each
     * @return the sizes in order
     * @throws IllegalArgumentException when it is empty, not integers, repeats one, or names one
     *                                  {@code space} does not allow
     */
    public static List<Integer> parseResolutions(String value, SearchSpace space) {
        List<Integer> out = new ArrayList<>();
        for (String f : value.split(",", -1)) {
            int r;
            try {
                r = Integer.parseInt(f.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("declared resolutions '" + value + "' must be a comma list of"
                        + " integers", e);
            }
            if (!space.resolutions().values().contains(r)) {
                throw new IllegalArgumentException("declared resolution " + r + " is not one of " + space.id()
                        + "'s " + space.resolutions().values());
            }
            if (out.contains(r)) {
                throw new IllegalArgumentException("declared resolution " + r + " appears twice in '" + value + "'");
            }
            out.add(r);
        }
        return List.copyOf(out);
    }

    /**
     * Whether {@link SearchSpace#enumerate(int)} can list one resolution of {@code space}.
     *
     * @param space the space
     * @return true when one resolution's subnets can be listed
     */
    public static boolean enumerable(SearchSpace space) {
        return space.sizePerResolution().compareTo(BigInteger.valueOf(SearchSpace.ENUMERATION_LIMIT)) <= 0;
    }

    /**
     * What a table of {@code present} subnets (each already in {@code space}) lacks at the
     * {@code resolutions} it declares, when the space can be enumerated.
     *
     * @param space the space of the table
     * @param present the subnets the table holds
     * @param resolutions the resolutions it declares
     * @return empty when complete or when the space is too large to enumerate, else a message with
     *         how many are missing and the first few ids
     */
    public static Optional<String> missing(SearchSpace space, Collection<Subnet> present, List<Integer> resolutions) {
        if (!enumerable(space)) {
            return Optional.empty();
        }
        Set<Subnet> have = new HashSet<>(present);
        for (int r : resolutions) {
            List<Subnet> all = space.enumerate(r);
            List<Subnet> lacking = all.stream().filter(s -> !have.contains(s)).toList();
            if (!lacking.isEmpty()) {
                return Optional.of(lacking.size() + " of the " + all.size() + " subnets of " + space.id()
                        + " at resolution " + r + " are missing (every one must be present), e.g. "
                        + String.join(", ", lacking.stream().limit(NAMED).map(Subnet::id).toList()));
            }
        }
        return Optional.empty();
    }
}
