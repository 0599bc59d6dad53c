package org.compofa.io.ofa;

import org.compofa.space.InvalidSubnetException;
import org.compofa.space.Subnet;

/**
 * OFA's way of naming a subnet ({@code set_active_subnet(ks, e, d)}: per-block kernel and expand
 * lists of 5 x max-depth entries, per-stage depths) and compofa's {@link Subnet}: the same
 * stage-major slot order, so the lists carry over; entries beyond a stage's depth are ignored, as
 * in OFA.
 */
public final class OfaSubnets {
    private OfaSubnets() {
    }

    /**
     * The subnet OFA's {@code set_active_subnet(ks, e, d)} selects, at {@code resolution}.
     *
     * @param ks kernel per slot
     * @param e expand ratio per slot
     * @param d depth per stage
     * @param resolution input side in pixels
     * @return the subnet
     * @throws InvalidSubnetException when the list lengths disagree or a value is out of range
     */
    public static Subnet of(int[] ks, int[] e, int[] d, int resolution) {
        return new Subnet(d, ks, e, resolution);
    }

    /**
     * OFA's {@code ks} list of {@code subnet} (kernels; inactive slots hold 0, which OFA ignores).
     *
     * @param subnet the subnet
     * @return kernel per slot
     */
    public static int[] ks(Subnet subnet) {
        return subnet.kernels();
    }

    /**
     * OFA's {@code e} list of {@code subnet}.
     *
     * @param subnet the subnet
     * @return expand ratio per slot
     */
    public static int[] e(Subnet subnet) {
        return subnet.expands();
    }

    /**
     * OFA's {@code d} list of {@code subnet}.
     *
     * @param subnet the subnet
     * @return depth per stage
     */
    public static int[] d(Subnet subnet) {
        return subnet.depths();
    }
}
