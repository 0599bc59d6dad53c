package org.compofa.nn;

import java.util.SplittableRandom;

import org.compofa.ops.KernelTransform;
import org.compofa.runtime.Backend;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.Tensor;
import org.compofa.space.MobileNetV3Geometry;
import org.compofa.space.Subnet;
import org.compofa.testing.BackendContexts;
import org.compofa.testing.Numerics;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Inference with the fused ops ({@link Mode#EVAL}) gives the logits of inference through the
 * separate ops as training runs them ({@link Mode#EVAL_UNFUSED}) for whole random subnets: perturbed
 * weights, random running statistics, centre-cropped kernels and OFA's transform chain, odd
 * resolutions. CUDA is SKIPPED without a device.
 */
@Tag("cuda")
class FusedInferenceNetworkTest {
    private static final double ATOL = 1e-4;
    private static final double RTOL = 1e-3;

    @RegisterExtension
    static final BackendContexts contexts = new BackendContexts();  // closed after the class's tests

    @ParameterizedTest(name = "fused eval == unfused eval {0}")
    @EnumSource(value = Backend.class, names = {"REFERENCE", "CPU", "CUDA"})
    void fusedInference_givesTheUnfusedLogits(Backend backend) {
        ComputeContext ctx = contexts.get(backend);
        MobileNetV3Geometry g = NetFixtures.threeStages();
        SplittableRandom rnd = new SplittableRandom(77);
        for (KernelTransform tr : KernelTransform.values()) {
            try (Network net = new Network(ctx, NetworkSpec.supernet(g, 3, tr), 5); Workspace ws = new Workspace(ctx)) {
                NetFixtures.perturb(net, rnd);
                NetFixtures.randomRunningStats(net, rnd);
                for (int i = 0; i < 4; i++) {
                    Subnet n = i == 3 ? net.largestSubnet(13) : NetFixtures.randomSubnet(rnd, 3, 3, 9 + 2 * i);
                    try (Tensor images = NetFixtures.images(ctx, rnd, g, n.resolution())) {
                        float[] unfused = NetFixtures.logits(net, Pass.evalUnfused(ws), n, images);
                        float[] fused = NetFixtures.evalLogits(net, ws, n, images);
                        Numerics.assertClose(backend + " " + tr + " " + n.id(), unfused, fused,
                                ATOL * Numerics.maxAbs(unfused), RTOL);
                    }
                }
            }
        }
    }
}
