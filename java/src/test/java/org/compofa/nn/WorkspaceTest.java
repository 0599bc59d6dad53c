package org.compofa.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.compofa.bindings.InvalidArgumentException;
import org.compofa.runtime.Backend;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.Layout;
import org.compofa.runtime.Tensor;
import org.compofa.ops.KernelTransform;
import org.compofa.space.MobileNetV3Geometry;
import org.compofa.space.Subnet;
import org.junit.jupiter.api.Test;

/** The size-class activation pool and the tensor views it hands out. */
class WorkspaceTest {

    @Test
    void sizeClass_isTheSmallestQuarterStepAtOrAboveN() {
        SplittableRandom rnd = new SplittableRandom(17);
        for (int i = 0; i < 5000; i++) {
            long n = 1 + rnd.nextLong(1L << 33);
            long c = Workspace.sizeClass(n);
            // naive: scan every candidate 2^k * q/4, q in 4..7, for the smallest >= n
            long best = Long.MAX_VALUE;
            for (int k = 6; k < 40; k++) {
                for (int q = 4; q < 8; q++) {
                    long cand = (1L << k) / 4 * q;
                    if (cand >= n && cand < best) {
                        best = cand;
                    }
                }
            }
            assertEquals(n <= 64 ? n : best, c, "n=" + n);
            assertTrue(c < n * 1.25 + 1, "slack at most 25%: n=" + n + " class " + c);
        }
    }

    @Test
    void differentShapesOfOneSizeClassShareABlock() {
        try (ComputeContext ctx = ComputeContext.open(Backend.CPU); Workspace ws = new Workspace(ctx)) {
            Tensor a = ws.take(Layout.NHWC, 3, 7, 7, 13);   // 1911 floats -> class 2048
            long address = a.address();
            ws.release(a);
            assertTrue(a.isClosed(), "a released view is unusable");
            assertEquals(2048L * Float.BYTES, ws.pooledBytes());
            Tensor b = ws.take(Layout.MATRIX, 45, 43);       // 1935 floats -> class 2048: same block
            assertEquals(address, b.address());
            assertEquals(0, ws.pooledBytes());
            float[] data = new float[45 * 43];
            for (int i = 0; i < data.length; i++) {
                data[i] = i * 0.5f;
            }
            b.copyFrom(data);
            assertArrayEquals(data, b.toArray());
            Tensor c = ws.take(Layout.MATRIX, 45, 43);       // b is lent out: a new block
            assertTrue(c.address() != b.address());
            ws.release(b);
            ws.release(c);
            assertThrows(IllegalArgumentException.class, () -> ws.release(c), "double release is refused");
        }
    }

    @Test
    void theSmallestPooledBlockUpToTwiceTheClassServesARequest() {
        try (ComputeContext ctx = ComputeContext.open(Backend.CPU); Workspace ws = new Workspace(ctx)) {
            Tensor big = ws.take(Layout.VECTOR, 2000);       // class 2048
            Tensor mid = ws.take(Layout.VECTOR, 1500);       // class 1536
            long bigAddress = big.address();
            long midAddress = mid.address();
            ws.release(big);
            ws.release(mid);
            assertEquals(2, ws.blocksAllocated());
            Tensor a = ws.take(Layout.VECTOR, 1000);         // class 1024: the 1536 block is the best fit
            assertEquals(midAddress, a.address());
            Tensor b = ws.take(Layout.VECTOR, 1000);         // then the 2048 block (2x the class)
            assertEquals(bigAddress, b.address());
            Tensor c = ws.take(Layout.VECTOR, 1000);         // nothing pooled: a new block
            long cAddress = c.address();
            assertEquals(3, ws.blocksAllocated());
            assertEquals((2048L + 1536 + 1024) * Float.BYTES, ws.peakLentBytes(), "lent bytes count whole blocks");
            ws.release(a);
            ws.release(b);
            ws.release(c);
            Tensor d = ws.take(Layout.VECTOR, 500);          // class 512: the 1024 block is within 2x
            assertEquals(cAddress, d.address());
            assertEquals(3, ws.blocksAllocated());
            ws.release(d);
            Tensor e = ws.take(Layout.VECTOR, 300);          // class 320: no block within 640 floats
            assertEquals(4, ws.blocksAllocated());
            ws.release(e);
        }
    }

    @Test
    void releasedBlocksBeyondTheLimitAndThePeakAreFreed() {
        try (ComputeContext ctx = ComputeContext.open(Backend.CPU); Workspace ws = new Workspace(ctx, 10_000)) {
            ws.release(ws.take(Layout.VECTOR, 1000));       // class 1024 floats = 4096 bytes: kept
            ws.release(ws.take(Layout.VECTOR, 2000));       // class 2048 = 8192 bytes: 12288 > max(10000, 8192)
            assertEquals(4096, ws.pooledBytes(), "the second block does not fit the 10,000-byte limit");
        }
    }

    @Test
    void aWorkingSetAboveTheLimitStaysPooledForTheNextStep() {
        try (ComputeContext ctx = ComputeContext.open(Backend.CPU); Workspace ws = new Workspace(ctx, 10_000)) {
            for (int step = 0; step < 2; step++) {
                List<Tensor> lent = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    lent.add(ws.take(Layout.VECTOR, 1000));     // 5 x 4096 bytes lent at once
                }
                assertEquals(0, ws.pooledBytes(), "step " + step + " reuses every pooled block");
                lent.forEach(ws::release);
                assertEquals(5 * 4096, ws.pooledBytes(), "the limit grows to the peak working set");
            }
        }
    }

    @Test
    void inferencePassesGiveActivationsBackLayerByLayer() {
        MobileNetV3Geometry g = NetFixtures.threeStages();
        try (ComputeContext ctx = ComputeContext.open(Backend.CPU);
             Network net = new Network(ctx, NetworkSpec.supernet(g, 3, KernelTransform.NONE), 7);
             Tensor x = NetFixtures.images(ctx, new SplittableRandom(3), g, 19)) {
            Subnet full = net.largestSubnet(19);
            float[] kept;
            long trainPeak;
            long evalPeak;
            try (Workspace ws = new Workspace(ctx)) {
                try (Pass p = Pass.train(ws, 0f, 1)) {
                    net.forward(p, full, x);
                }
                trainPeak = ws.peakLentBytes();
            }
            try (Workspace ws = new Workspace(ctx)) {
                try (Pass p = Pass.eval(ws)) {
                    kept = net.forward(p, full, x).toArray();
                }
                evalPeak = ws.peakLentBytes();
                // the logits survive the early releases: a second pass on a warm pool agrees
                try (Pass p = Pass.eval(ws)) {
                    assertArrayEquals(kept, net.forward(p, full, x).toArray());
                }
            }
            assertTrue(evalPeak * 3 < trainPeak, "eval peak " + evalPeak + " vs train peak " + trainPeak);
        }
    }

    @Test
    void foreignTensorsAndBadViewsAreRefused() {
        try (ComputeContext ctx = ComputeContext.open(Backend.CPU); Workspace ws = new Workspace(ctx);
             Tensor own = Tensor.zeros(ctx, Layout.VECTOR, 10)) {
            assertThrows(IllegalArgumentException.class, () -> ws.release(own));
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                    () -> own.view(Layout.MATRIX, 3, 4));
            assertTrue(e.getMessage().contains("needs 12 floats"), e.getMessage());
            assertThrows(InvalidArgumentException.class, () -> own.view(Layout.LABELS, 4));
            Tensor v = own.view(Layout.MATRIX, 2, 5);
            v.close();
            assertTrue(v.isClosed());
            assertTrue(!own.isClosed(), "closing a view leaves its owner open");
            Tensor w = own.view(Layout.VECTOR, 10);
            own.close();
            assertTrue(w.isClosed(), "a view dies with its owner");
        }
    }
}
