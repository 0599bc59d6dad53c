package org.compofa.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.compofa.ops.KernelTransform;
import org.compofa.runtime.Backend;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.Tensor;
import org.compofa.space.BlockShape;
import org.compofa.space.InvalidSubnetException;
import org.compofa.space.MobileNetV3Geometry;
import org.compofa.space.Subnet;
import org.compofa.testing.BackendContexts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link Network#forwardTimed}: the same logits as {@link Network#forward}, bit for bit, and one
 * timed piece per stem, active block and head, with the sizes the geometry computes on its own.
 */
class TimedForwardTest {
    private static final int SLOTS = 3;
    private static final MobileNetV3Geometry GEOMETRY = NetFixtures.threeStages();

    private static BackendContexts contexts;
    private static ComputeContext ctx;
    private static Network supernet;
    private static Workspace ws;

    @BeforeAll
    static void open() {
        contexts = new BackendContexts();
        ctx = contexts.get(Backend.CPU);
        supernet = new Network(ctx, NetworkSpec.supernet(GEOMETRY, SLOTS, KernelTransform.OFA), 7);
        SplittableRandom rnd = new SplittableRandom(3);
        NetFixtures.randomRunningStats(supernet, rnd);
        NetFixtures.perturb(supernet, rnd);
        ws = new Workspace(ctx);
    }

    @AfterAll
    static void close() {
        ws.close();
        supernet.close();
        contexts.close();
    }

    /** Pieces with their times, as the timer saw them. */
    private record Recorded(List<ForwardPiece> pieces, List<Long> nanos) implements LayerTimer {
        Recorded() {
            this(new ArrayList<>(), new ArrayList<>());
        }

        @Override
        public void record(ForwardPiece piece, long ns) {
            pieces.add(piece);
            nanos.add(ns);
        }
    }

    /** What the pieces must be, from the geometry's own block shapes and spatial sizes. */
    private static List<ForwardPiece> expectedPieces(Subnet n) {
        List<ForwardPiece> want = new ArrayList<>();
        want.add(ForwardPiece.stem(n.resolution()));
        List<BlockShape> shapes = GEOMETRY.blocks(n);
        for (BlockShape b : shapes.subList(1, shapes.size())) {
            String[] parts = b.name().replace("stage", "").split("\\.block");
            want.add(ForwardPiece.block(Integer.parseInt(parts[0]) - 1, Integer.parseInt(parts[1]) - 1,
                    b.inputSize(), b.kernel(), b.midChannels()));
        }
        int[] sizes = GEOMETRY.spatialSizes(n.resolution());
        want.add(ForwardPiece.head(sizes[sizes.length - 1]));
        return want;
    }

    @Test
    void evalLogitsAreBitIdenticalAndEveryActiveBlockIsTimedOnceInOrder() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int trial = 0; trial < 6; trial++) {
            int r = 9 + 2 * rnd.nextInt(4); // odd sides 9..15: ceil-divided sizes
            Subnet n = NetFixtures.randomSubnet(rnd, 3, SLOTS, r);
            try (Tensor x = NetFixtures.images(ctx, rnd, GEOMETRY, r)) {
                float[] plain = NetFixtures.evalLogits(supernet, ws, n, x);
                Recorded timer = new Recorded();
                float[] timed;
                try (Pass p = Pass.eval(ws)) {
                    timed = supernet.forwardTimed(p, n, x, timer).toArray();
                }
                assertArrayEquals(plain, timed, n.id() + ": timed logits differ");
                assertEquals(expectedPieces(n), timer.pieces(), n.id());
                List<String> blockLabels = new ArrayList<>();
                GEOMETRY.blocks(n).stream().skip(1).forEach(b -> blockLabels.add(b.name()));
                List<String> labels = timer.pieces().stream().map(ForwardPiece::label).toList();
                assertEquals("stem", labels.getFirst());
                assertEquals("head", labels.getLast());
                assertEquals(blockLabels, labels.subList(1, labels.size() - 1), "one label per active block");
                assertTrue(timer.nanos().stream().allMatch(t -> t >= 0), "times " + timer.nanos());
            }
        }
    }

    @Test
    void trainingLogitsWithDropoutMatchTheUntimedPass() {
        SplittableRandom rnd = new SplittableRandom(5);
        Subnet n = NetFixtures.randomSubnet(rnd, 3, SLOTS, 11);
        try (Tensor x = NetFixtures.images(ctx, rnd, GEOMETRY, 11)) {
            float[] plain = NetFixtures.logits(supernet, Pass.train(ws, 0.3f, 99), n, x);
            Recorded timer = new Recorded();
            float[] timed;
            try (Pass p = Pass.train(ws, 0.3f, 99)) {
                timed = supernet.forwardTimed(p, n, x, timer).toArray();
            }
            assertArrayEquals(plain, timed);
            assertEquals(expectedPieces(n), timer.pieces());
        }
    }

    @Test
    void aSubnetThatDoesNotFitFailsBeforeAnyPieceIsTimed() {
        Subnet bigKernel = new Subnet(new int[] {1, 1, 1}, new int[] {9, 0, 0, 3, 0, 0, 3, 0, 0},
                new int[] {3, 0, 0, 3, 0, 0, 3, 0, 0}, 9);
        Recorded timer = new Recorded();
        try (Tensor x = NetFixtures.images(ctx, new SplittableRandom(1), GEOMETRY, 9); Pass p = Pass.eval(ws)) {
            InvalidSubnetException e = assertThrows(InvalidSubnetException.class,
                    () -> supernet.forwardTimed(p, bigKernel, x, timer));
            assertTrue(e.getMessage().contains("stage1.block1"), e.getMessage());
            assertTrue(timer.pieces().isEmpty(), "nothing timed");
            assertThrows(NullPointerException.class, () -> supernet.forwardTimed(p, bigKernel, x, null));
        }
    }
}
