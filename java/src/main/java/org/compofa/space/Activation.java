package org.compofa.space;

/** The activations of MobileNetV3 (reference §2.2). */
public enum Activation {
    /** max(0, x). */
    RELU,
    /** h_swish(x) = x * relu6(x + 3) / 6. */
    H_SWISH
}
