package org.compofa.nn;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.compofa.ops.KernelTransform;
import org.compofa.runtime.Backend;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.Layout;
import org.compofa.runtime.Tensor;
import org.compofa.space.InvalidSubnetException;
import org.compofa.space.MobileNetV3Geometry;
import org.compofa.space.Subnet;
import org.compofa.testing.BackendContexts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * A subnet that does not fit the stored sizes, images of the wrong shape and a backward where none
 * is allowed fail with a typed exception that names the culprit, before any op runs.
 */
class NetworkValidationTest {
    private static final int R = 9;

    private static BackendContexts contexts;
    private static ComputeContext ctx;
    private static Network supernet;
    private static Workspace ws;
    private static Tensor images;

    @BeforeAll
    static void open() {
        contexts = new BackendContexts();
        ctx = contexts.get(Backend.CPU);
        supernet = new Network(ctx, NetworkSpec.supernet(NetFixtures.threeStages(), 2, KernelTransform.OFA), 1);
        ws = new Workspace(ctx);
        images = NetFixtures.images(ctx, new SplittableRandom(1), NetFixtures.threeStages(), R);
    }

    @AfterAll
    static void close() {
        images.close();
        ws.close();
        supernet.close();
        contexts.close();
    }

    /** A 3-stage subnet with {@code slots} slots per stage, every active block at kernel k and expand e. */
    private static Subnet uniform(int slots, int depth, int k, int e) {
        int[] kernels = new int[3 * slots];
        int[] expands = new int[3 * slots];
        Arrays.fill(kernels, k);
        Arrays.fill(expands, e);
        return new Subnet(new int[] {depth, depth, depth}, kernels, expands, R);
    }

    /** Expects the exception from both the forward and the extractor, its message containing {@code names}. */
    private static void assertRejected(Subnet n, String names) {
        assertMessage(InvalidSubnetException.class, () -> forward(supernet, n), names);
        assertMessage(InvalidSubnetException.class, () -> SubnetExtractor.extract(supernet, n).close(), names);
    }

    private static void forward(Network net, Subnet n) {
        try (Pass pass = Pass.eval(ws)) {
            net.forward(pass, n, images);
        }
    }

    private static void assertMessage(Class<? extends Exception> type, Executable call, String names) {
        Exception e = assertThrows(type, call);
        assertTrue(e.getMessage().contains(names), "message '" + e.getMessage() + "' should name " + names);
    }

    @Test
    void depthBeyondTheStoredSlots_namesTheStage() {
        assertRejected(uniform(3, 3, 3, 3), "stage 1 depth 3");
    }

    @Test
    void expandBeyondTheStoredWidth_namesTheBlock() {
        Subnet n = uniform(2, 2, 3, 3);
        int[] expands = n.expands();
        expands[2 * 1 + 1] = 7;  // stage 2 block 2: 7 x 24 channels > the stored 6 x 24
        assertRejected(new Subnet(n.depths(), n.kernels(), expands, R), "stage2.block2");
    }

    @Test
    void kernelBeyondTheStoredKernel_namesTheBlock() {
        assertRejected(uniform(2, 1, 9, 3), "stage1.block1");
        assertRejected(uniform(2, 1, 1, 3), "stage1.block1");  // below 3: no such elastic kernel
        Subnet small = uniform(2, 1, 3, 3);
        try (Network extracted = SubnetExtractor.extract(supernet, small)) {
            forward(extracted, small);  // fits exactly
            assertMessage(InvalidSubnetException.class, () -> forward(extracted, uniform(2, 1, 5, 3)),
                    "stage1.block1");
            assertMessage(InvalidSubnetException.class, () -> forward(extracted, uniform(2, 1, 3, 4)),
                    "stage1.block1");
        }
    }

    @Test
    void wrongStageCount_isRejected() {
        Subnet twoStages = new Subnet(new int[] {1, 1}, new int[] {3, 3}, new int[] {3, 3}, R);
        assertRejected(twoStages, "2 stages");
    }

    @Test
    void wrongImageShape_namesTheAllowedShape() {
        Subnet n = uniform(2, 1, 3, 3);
        MobileNetV3Geometry g = NetFixtures.threeStages();
        try (Tensor wrongSize = NetFixtures.images(ctx, new SplittableRandom(2), g, R + 2);
             Tensor wrongChannels = Tensor.zeros(ctx, Layout.NHWC, NetFixtures.BATCH, R, R, 1);
             Tensor matrix = Tensor.zeros(ctx, Layout.MATRIX, NetFixtures.BATCH, R * R * 3);
             Pass pass = Pass.eval(ws)) {
            for (Tensor bad : new Tensor[] {wrongSize, wrongChannels, matrix}) {
                assertMessage(IllegalArgumentException.class, () -> supernet.forward(pass, n, bad),
                        "[" + R + "][" + R + "][3]");
            }
        }
    }

    @Test
    void backwardWithoutTrainingPass_isRefused() {
        Subnet n = uniform(2, 1, 3, 3);
        try (Tensor dlogits = Tensor.zeros(ctx, Layout.MATRIX, NetFixtures.BATCH, NetFixtures.CLASSES)) {
            for (Pass pass : new Pass[] {Pass.eval(ws), Pass.teacher(ws)}) {
                try (pass) {
                    supernet.forward(pass, n, images);
                    assertThrows(IllegalStateException.class, () -> pass.backward(dlogits));
                }
            }
            try (Pass pass = Pass.train(ws, 0f, 1)) {
                supernet.forward(pass, n, images);
                pass.backward(dlogits);
                assertMessage(IllegalStateException.class, () -> pass.backward(dlogits), "already");
            }
        }
    }
}
