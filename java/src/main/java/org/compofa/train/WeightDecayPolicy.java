package org.compofa.train;

import java.util.Arrays;
import java.util.List;

/**
 * Which parameters get L2 weight decay, decided by name as OFA's {@code build_optimizer} does
 * (reference §5.1): a parameter whose name <em>contains</em> any of the no-decay keys gets none,
 * every other one gets {@link #weightDecay()}.
 *
 * <p>The reference string is {@code no_decay_keys='bn#bias'}: batch-norm weights and biases and all
 * biases are not decayed. The match is a plain substring test, exactly as the reference's
 * {@code any(key in name for key in keys)}, so parameter names must follow the convention that
 * batch-norm parameters contain {@code bn} and biases contain {@code bias}; and no other name may
 * contain them by accident.
 *
 * @param weightDecay decay coefficient for decayed parameters (finite, at least 0)
 * @param noDecayKeys substrings that exempt a parameter (none empty: an empty key would match every
 *     name, which is what the reference does with {@code 'bn##bias'} and is never what is meant)
 */
public record WeightDecayPolicy(double weightDecay, List<String> noDecayKeys) {
    /** The reference's weight decay (3e-5) with {@code bn#bias} exempt. */
    public static final WeightDecayPolicy REFERENCE = parse(3e-5, "bn#bias");

    /** Checks the coefficient and keys. */
    public WeightDecayPolicy {
        if (!Double.isFinite(weightDecay) || weightDecay < 0) {
            throw new IllegalArgumentException("weight decay " + weightDecay + " must be finite and >= 0");
        }
        noDecayKeys = List.copyOf(noDecayKeys);
        for (String key : noDecayKeys) {
            if (key.isEmpty() || key.indexOf('#') >= 0) {
                throw new IllegalArgumentException("no-decay key '" + key
                        + "' is not allowed: keys must be non-empty and contain no '#' (keys " + noDecayKeys + ")");
            }
        }
    }

    /**
     * Reads the reference's {@code '#'}-separated key string ({@code "bn#bias"}); an empty string
     * means every parameter is decayed.
     *
     * @param weightDecay decay coefficient of decayed parameters
     * @param noDecayKeys {@code '#'}-separated name fragments that exempt a parameter
     * @return the policy
     */
    public static WeightDecayPolicy parse(double weightDecay, String noDecayKeys) {
        if (noDecayKeys.isEmpty()) {
            return new WeightDecayPolicy(weightDecay, List.of());
        }
        return new WeightDecayPolicy(weightDecay, Arrays.asList(noDecayKeys.split("#", -1)));
    }

    /**
     * The keys in the reference's {@code '#'}-separated form; {@link #parse} reads it back.
     *
     * @return the {@code '#'}-separated keys
     */
    public String keyString() {
        return String.join("#", noDecayKeys);
    }

    /**
     * Whether the parameter with this name is decayed (it contains none of the no-decay keys).
     *
     * @param parameterName the parameter's name
     * @return true when it is decayed
     */
    public boolean decays(String parameterName) {
        if (parameterName == null || parameterName.isEmpty()) {
            throw new IllegalArgumentException("parameter name must be non-empty");
        }
        for (String key : noDecayKeys) {
            if (parameterName.contains(key)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The decay coefficient for this parameter: {@link #weightDecay()} or 0.
     *
     * @param parameterName the parameter's name
     * @return the decay coefficient
     */
    public double decayFor(String parameterName) {
        return decays(parameterName) ? weightDecay : 0.0;
    }
}
