package org.compofa.nn;

import java.util.Objects;
import org.compofa.runtime.Tensor;

/**
 * One learnable tensor of a network with its gradient (same shape, accumulated by backward passes
 * until {@link ParameterStore#zeroGrad()}).
 *
 * @param name  dotted name, e.g. {@code stage2.block1.depthwise.bn.gamma}; weight decay is chosen by it
 * @param value the weights, read in place by every subnet
 * @param grad  the gradient
 */
public record Parameter(String name, Tensor value, Tensor grad) {
    /** Checks that value and grad have one shape. */
    public Parameter {
        Objects.requireNonNull(name, "name");
        if (!java.util.Arrays.equals(value.shape(), grad.shape()) || value.layout() != grad.layout()) {
            throw new IllegalArgumentException(name + ": gradient " + grad.describeShape() + " differs from value "
                    + value.describeShape());
        }
    }
}
