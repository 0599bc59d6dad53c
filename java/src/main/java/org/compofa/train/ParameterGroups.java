package org.compofa.train;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Parameter names split into the two optimizer groups of the reference (§5.1): first the decayed
 * parameters ({@code get_parameters(keys, mode='exclude')}), then the exempt ones
 * ({@code mode='include'}), each in the order the names were given.
 *
 * @param decayed names that get {@link WeightDecayPolicy#weightDecay()}
 * @param notDecayed names that get no weight decay
 * @param policy the policy that made the split
 */
public record ParameterGroups(List<String> decayed, List<String> notDecayed, WeightDecayPolicy policy) {
    /** Copies the lists; a name may appear only once across both groups. */
    public ParameterGroups {
        decayed = List.copyOf(decayed);
        notDecayed = List.copyOf(notDecayed);
        Set<String> seen = new HashSet<>();
        for (List<String> group : List.of(decayed, notDecayed)) {
            for (String name : group) {
                if (!seen.add(name)) {
                    throw new IllegalArgumentException("parameter '" + name + "' appears twice: names must be unique");
                }
            }
        }
    }

    /**
     * Splits {@code names} by {@code policy}, keeping their order within each group.
     *
     * @param names parameter names
     * @param policy which names are decayed
     * @return the decayed and non-decayed groups
     */
    public static ParameterGroups split(Iterable<String> names, WeightDecayPolicy policy) {
        List<String> decayed = new ArrayList<>();
        List<String> notDecayed = new ArrayList<>();
        for (String name : names) {
            (policy.decays(name) ? decayed : notDecayed).add(name);
        }
        return new ParameterGroups(decayed, notDecayed, policy);
    }

    /**
     * The decay coefficient of the group holding {@code name}; unknown names are an error.
     *
     * @param name a parameter name
     * @return the weight decay coefficient
     */
    public double decayFor(String name) {
        if (decayed.contains(name)) {
            return policy.weightDecay();
        }
        if (notDecayed.contains(name)) {
            return 0.0;
        }
        throw new IllegalArgumentException("parameter '" + name + "' is in neither group");
    }

    /**
     * Number of parameters in both groups.
     *
     * @return the total parameter count
     */
    public int size() {
        return decayed.size() + notDecayed.size();
    }
}
