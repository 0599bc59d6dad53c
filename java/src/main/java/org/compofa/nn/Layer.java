package org.compofa.nn;

import org.compofa.runtime.Tensor;

/**
 * One step of a subnet's forward pass, created for one {@link Pass}: it reads the supernet's
 * weights in place at the subnet's active sizes and keeps what its backward needs.
 */
interface Layer {
    /** Computes the output (a tensor borrowed from the pass). */
    Tensor forward(Pass pass, Tensor x);

    /**
     * Accumulates this layer's parameter gradients and returns the gradient of its input (borrowed
     * from the pass), or null when nothing before it needs one.
     */
    Tensor backward(Pass pass, Tensor dy);
}
