package org.compofa.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

import org.compofa.ops.KernelTransform;
import org.compofa.runtime.Backend;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.Tensor;
import org.compofa.space.MobileNetV3Geometry;
import org.compofa.space.Subnet;
import org.compofa.testing.BackendContexts;
import org.compofa.testing.Numerics;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An extracted subnet computes what the supernet computes when it runs that subnet: in eval mode
 * (random running statistics) and in training mode (batch statistics, which also move both copies'
 * running statistics alike), with centre-cropped kernels and with OFA's transform chain (random
 * non-identity matrices), and it holds exactly the parameters the geometry counts.
 */
class SubnetExtractionTest {
    /** Float rounding through ~15 layers; the host computes the transformed kernels in double. */
    private static final double ATOL = 1e-4;
    private static final double RTOL = 1e-3;

    @RegisterExtension
    static final BackendContexts contexts = new BackendContexts();  // closed after the class's tests

    @ParameterizedTest(name = "extracted subnet == supernet {0}")
    @EnumSource(value = Backend.class, names = {"REFERENCE", "CPU"})
    void extractedSubnet_computesWhatTheSupernetComputes(Backend backend) {
        ComputeContext ctx = contexts.get(backend);
        MobileNetV3Geometry g = NetFixtures.threeStages();
        SplittableRandom rnd = new SplittableRandom(31);
        for (KernelTransform tr : KernelTransform.values()) {
            try (Network supernet = new Network(ctx, NetworkSpec.supernet(g, 3, tr), 8);
                 Workspace ws = new Workspace(ctx)) {
                NetFixtures.perturb(supernet, rnd);
                NetFixtures.randomRunningStats(supernet, rnd);
                for (int i = 0; i < 3; i++) {
                    Subnet n = NetFixtures.randomSubnet(rnd, 3, 3, 9 + 2 * i);
                    n = NetFixtures.withKernel(NetFixtures.withKernel(n, 0, 0, 3), 1, 0, 5);
                    check(supernet, ws, n, rnd);
                }
                check(supernet, ws, supernet.largestSubnet(11), rnd);
            }
        }
    }

    private static void check(Network supernet, Workspace ws, Subnet n, SplittableRandom rnd) {
        MobileNetV3Geometry g = supernet.spec().geometry();
        String what = supernet.context().backend() + " " + supernet.spec().transform() + " " + n.id();
        float[] before = supernet.parameters().parameter("stage1.block1.depthwise.conv.weight").value().toArray();
        try (Network extracted = SubnetExtractor.extract(supernet, n);
             Tensor images = NetFixtures.images(supernet.context(), rnd, g, n.resolution())) {
            assertEquals(g.params(n), extracted.parameters().parameterCount(), what + ": parameter count");
            assertFalse(extracted.parameters().parameters().stream()
                    .anyMatch(p -> p.name().endsWith(".t75") || p.name().endsWith(".t53")),
                    what + ": the copy needs no transform matrices");
            float[] ref = NetFixtures.evalLogits(supernet, ws, n, images);
            assertClose(what + " eval logits", ref, NetFixtures.evalLogits(extracted, ws, n, images));

            ref = NetFixtures.logits(supernet, Pass.train(ws, 0f, 1), n, images);
            assertClose(what + " train logits", ref,
                    NetFixtures.logits(extracted, Pass.train(ws, 0f, 1), n, images));
            // One training step moved the leading running statistics of both alike.
            Map<String, Tensor> sup = supernet.parameters().buffers();
            extracted.parameters().buffers().forEach((name, t) -> {
                float[] got = t.toArray();
                assertClose(what + " " + name, Arrays.copyOf(sup.get(name).toArray(), got.length), got);
            });
        }
        assertClose(what + ": the supernet is left alone", before,
                supernet.parameters().parameter("stage1.block1.depthwise.conv.weight").value().toArray());
    }

    private static void assertClose(String what, float[] ref, float[] got) {
        Numerics.assertClose(what, ref, got, ATOL * Numerics.maxAbs(ref), RTOL);
    }
}
