/**
 * The search spaces of CompOFA and OFA over an elastic MobileNetV3 supernet, and the geometry and
 * cost of the subnets they contain. Pure Java: no native library.
 *
 * <p>Data flows: a {@link org.compofa.space.SearchSpace} (built by
 * {@link org.compofa.space.SearchSpaces}, named by an id such as {@code compofa_mbv3_w1.0_r128-224})
 * validates, enumerates and samples {@link org.compofa.space.Subnet} values; a
 * {@link org.compofa.space.Sampler} with a {@link org.compofa.space.SamplingRule} draws the subnets
 * of each training step; {@link org.compofa.space.MobileNetV3Geometry} turns a subnet into block
 * and layer shapes with multiply-adds and parameter counts.
 *
 * <p>Decisions, each documented on the type named:
 * <ul>
 *   <li>Inactive block slots hold 0 ({@link org.compofa.space.Subnet#INACTIVE}), so equal networks
 *       are equal values; the id is {@code d23423-k3300.5550...-e3300.4440...-r224}
 *       ({@link org.compofa.space.Subnet#id()}), the JSON uses OFA's keys
 *       ({@link org.compofa.space.SubnetJson}).
 *   <li>CompOFA with elastic kernel = compound (d, e) per stage plus per-slot kernel in {3, 5, 7}
 *       (reference §10.1; {@link org.compofa.space.SearchSpaces}).
 *   <li>Random sampling follows OFA's rule, depth uniform per stage and then each active slot
 *       uniform ({@link org.compofa.space.SearchSpace#sample}); all subnets of a step share the
 *       step's resolution ({@link org.compofa.space.SamplingRule}).
 *   <li>The 28-32 px variant removes the stem and stage-1 down-sampling
 *       ({@link org.compofa.space.StageTable#smallInput}).
 *   <li>Multiply-adds follow OFA's profiler: convolutions and the classifier only
 *       ({@link org.compofa.space.ConvShape}).
 * </ul>
 * Messages number stages and blocks from 1, as the reference does; API indices are 0-based.
 */
package org.compofa.space;
