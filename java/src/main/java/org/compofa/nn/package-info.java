/**
 * The elastic OFA MobileNetV3 supernet on a compute context (reference §2, §3).
 *
 * <ul>
 *   <li>{@link org.compofa.nn.NetworkSpec} says what is stored: the geometry (stem, stages, head),
 *       per stage the block slots with their maximum middle width and kernel, and the kernel
 *       transform. {@code NetworkSpec.supernet} allocates every slot at expand 6 and kernel 7;
 *       {@code NetworkSpec.of(geometry, subnet)} is the static network of one subnet.</li>
 *   <li>{@link org.compofa.nn.Network} owns the weights ({@link org.compofa.nn.ParameterStore}:
 *       parameters with gradients, BN running statistics) and runs any fitting
 *       {@link org.compofa.space.Subnet} forward and backward through the native ops, reading the
 *       first channels, first blocks and centre taps of the stored weights in place.</li>
 *   <li>A {@link org.compofa.nn.Pass} is one subnet's forward (and backward) with an explicit
 *       {@link org.compofa.nn.Mode}: TRAIN, TEACHER (frozen, batch statistics), RECALIBRATE (BN
 *       statistics into a {@link org.compofa.nn.BnStatistics}), EVAL (each convolution fused with its
 *       BN and activation, {@code org.compofa.ops.FusedInference}) or EVAL_UNFUSED (the separate ops,
 *       for comparisons). Activations come from a {@link org.compofa.nn.Workspace} pool, so repeated
 *       steps do not allocate.</li>
 *   <li>{@link org.compofa.nn.ChannelSorter} reorders middle channels by importance (§3.3);
 *       {@link org.compofa.nn.SubnetExtractor} copies a subnet out as a standalone network with
 *       contiguous weights that gives the same outputs.</li>
 * </ul>
 * Nothing here is mutable per subnet: the subnet is an argument of every forward.
 */
package org.compofa.nn;
