package org.compofa.nn;

import java.util.List;
import java.util.SplittableRandom;

import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.Layout;
import org.compofa.runtime.Tensor;
import org.compofa.space.Activation;
import org.compofa.space.MobileNetV3Geometry;
import org.compofa.space.StageSpec;
import org.compofa.space.StageTable;
import org.compofa.space.Subnet;
import org.compofa.testing.Numerics;

/** Tiny geometries, random subnets and host-side helpers shared by the network tests. */
final class NetFixtures {
    static final int BATCH = 3;
    static final int CLASSES = 5;
    /** Expand ratios a supernet stores (its maximum is {@link NetworkSpec#MAX_EXPAND}). */
    static final int[] EXPANDS = {3, 4, 6};
    static final int[] KERNELS = {3, 5, 7};

    private NetFixtures() {}

    /** Three stages: no SE/ReLU stride 1, SE/ReLU stride 2, SE/h_swish stride 2. */
    static MobileNetV3Geometry threeStages() {
        return new MobileNetV3Geometry(new StageTable(8, 2, 8, List.of(
                new StageSpec(16, 1, Activation.RELU, false),
                new StageSpec(24, 2, Activation.RELU, true),
                new StageSpec(32, 2, Activation.H_SWISH, true)), 48, 64), 3, CLASSES);
    }

    /** One SE/h_swish stage: with one slot, a network with exactly one elastic block. */
    static MobileNetV3Geometry oneStage() {
        return new MobileNetV3Geometry(new StageTable(8, 2, 8, List.of(
                new StageSpec(16, 2, Activation.H_SWISH, true)), 24, 32), 3, CLASSES);
    }

    /** A random subnet of a supernet with {@code slots} per stage: depth, kernel and expand per block. */
    static Subnet randomSubnet(SplittableRandom rnd, int stages, int slots, int resolution) {
        int[] depths = new int[stages];
        int[] kernels = new int[stages * slots];
        int[] expands = new int[stages * slots];
        for (int s = 0; s < stages; s++) {
            depths[s] = 1 + rnd.nextInt(slots);
            for (int b = 0; b < slots; b++) {
                kernels[s * slots + b] = KERNELS[rnd.nextInt(KERNELS.length)];
                expands[s * slots + b] = EXPANDS[rnd.nextInt(EXPANDS.length)];
            }
        }
        return new Subnet(depths, kernels, expands, resolution);
    }

    /** The same subnet with block {@code b} of stage {@code s} set to kernel k (b below the depth). */
    static Subnet withKernel(Subnet n, int s, int b, int k) {
        int[] kernels = n.kernels();
        kernels[s * n.slotsPerStage() + b] = k;
        return new Subnet(n.depths(), kernels, n.expands(), n.resolution());
    }

    /** Images NHWC [BATCH][r][r][channels], uniform in [-1, 1). */
    static Tensor images(ComputeContext ctx, SplittableRandom rnd, MobileNetV3Geometry g, int r) {
        return Tensor.of(ctx, Layout.NHWC, Numerics.uniform(rnd, BATCH * r * r * g.inputChannels()), BATCH, r, r,
                g.inputChannels());
    }

    /** Non-trivial running statistics: mean in [-0.5, 0.5), variance in [0.5, 1.5). */
    static void randomRunningStats(Network net, SplittableRandom rnd) {
        net.parameters().buffers().forEach((name, t) -> {
            float[] v = new float[(int) t.length()];
            for (int i = 0; i < v.length; i++) {
                v[i] = name.endsWith("running_var") ? (float) (0.5 + rnd.nextDouble())
                        : (float) (rnd.nextDouble() - 0.5);
            }
            t.copyFrom(v);
        });
    }

    /** Random non-identity OFA transform matrices (I + U(-0.3, 0.3)) and BN affine weights. */
    static void perturb(Network net, SplittableRandom rnd) {
        for (Parameter p : net.parameters().parameters()) {
            String n = p.name();
            if (n.endsWith(".t75") || n.endsWith(".t53")) {
                p.value().copyFrom(Numerics.nearIdentity(rnd, p.value().dim(0), 0.3));
            } else if (n.endsWith(".gamma")) {
                p.value().copyFrom(shifted(rnd, (int) p.value().length(), 1.0, 0.5));
            } else if (n.endsWith(".beta") || n.endsWith("bias")) {
                p.value().copyFrom(shifted(rnd, (int) p.value().length(), 0.0, 0.2));
            }
        }
    }

    private static float[] shifted(SplittableRandom rnd, int n, double centre, double spread) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (centre + (rnd.nextDouble() * 2 - 1) * spread);
        }
        return v;
    }

    /** Logits of one forward pass, as a host array. */
    static float[] logits(Network net, Pass pass, Subnet subnet, Tensor images) {
        try (pass) {
            return net.forward(pass, subnet, images).toArray();
        }
    }

    /** Eval-mode logits. */
    static float[] evalLogits(Network net, Workspace ws, Subnet subnet, Tensor images) {
        return logits(net, Pass.eval(ws), subnet, images);
    }
}
