package org.compofa.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import org.compofa.bindings.BackendUnavailableException;
import org.compofa.bindings.InvalidArgumentException;
import org.compofa.bindings.InvalidHandleException;
import org.junit.jupiter.api.Test;

/** Backend choice, contexts and tensors (host round trips, close semantics). */
class RuntimeTest {

    @Test
    void backendSelection_explicitNamesAutoAndBadValues() {
        assertEquals(Backend.CPU, BackendSelection.choose("cpu").backend());
        assertEquals(Backend.REFERENCE, BackendSelection.choose(" Reference ").backend());
        assertEquals(Backend.CUDA, BackendSelection.choose("CUDA").backend(), "explicit cuda is never replaced");
        BackendSelection auto = BackendSelection.choose(null);
        assertEquals(Backend.CUDA.isAvailable() ? Backend.CUDA : Backend.CPU, auto.backend());
        assertTrue(auto.reason().contains("CUDA"), auto.reason());
        assertEquals(auto.backend(), BackendSelection.choose("auto").backend());
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> BackendSelection.choose("tpu"));
        assertTrue(e.getMessage().contains("allowed reference, cpu, cuda, auto"), e.getMessage());
        assertThrows(InvalidArgumentException.class, () -> Backend.parse("gpu"));
        assertEquals(Backend.CPU, Backend.parse("cpu"));
    }

    @Test
    void computeContext_selectReadsProperty() {
        String old = System.getProperty(ComputeContext.BACKEND_PROPERTY);
        try {
            System.setProperty(ComputeContext.BACKEND_PROPERTY, "reference");
            try (ComputeContext ctx = ComputeContext.select()) {
                assertEquals(Backend.REFERENCE, ctx.backend());
                assertTrue(ctx.describe().startsWith("REFERENCE"), ctx.describe());
            }
            System.setProperty(ComputeContext.BACKEND_PROPERTY, "bogus");
            assertThrows(InvalidArgumentException.class, ComputeContext::select);
        } finally {
            if (old == null) {
                System.clearProperty(ComputeContext.BACKEND_PROPERTY);
            } else {
                System.setProperty(ComputeContext.BACKEND_PROPERTY, old);
            }
        }
    }

    @Test
    void computeContext_cudaWithoutDevice_backendUnavailable() {
        assumeFalse(Backend.CUDA.isAvailable(), "a CUDA device is present");
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> ComputeContext.open(Backend.CUDA));
        assertFalse(e.getMessage().isEmpty());
        assertThrows(BackendUnavailableException.class, () -> ComputeContext.select("cuda"));
        assertTrue(Backend.CUDA.describe().contains("unavailable"), Backend.CUDA.describe());
    }

    @Test
    void tensor_roundTripFillAndMetadata_onEveryHostBackend() {
        for (Backend b : new Backend[] {Backend.REFERENCE, Backend.CPU}) {
            try (ComputeContext ctx = ComputeContext.open(b)) {
                ctx.setThreads(2);
                float[] data = new float[3 * 5 * 7 * 11];
                for (int i = 0; i < data.length; i++) {
                    data[i] = i * 0.25f;
                }
                Tensor t = Tensor.of(ctx, Layout.NHWC, data, 3, 5, 7, 11);
                assertArrayEquals(data, t.toArray());
                assertArrayEquals(new int[] {3, 5, 7, 11}, t.shape());
                assertEquals(data.length, t.length());
                assertEquals(Layout.NHWC, t.layout());
                assertEquals(ctx, t.context());
                assertTrue(t.address() % 256 == 0, "256-byte aligned");
                t.fill(-1.5f);
                assertEquals(-1.5f, t.toArray()[data.length - 1]);
                t.copyFrom(data);
                assertEquals(data[100], t.toArray()[100]);
                assertEquals(1, ctx.liveTensors());
                t.close();
                assertEquals(0, ctx.liveTensors());
                assertThrows(InvalidHandleException.class, t::address);
                ctx.synchronize();
            }
        }
    }

    @Test
    void computeContext_closeClosesTensorsAndIsIdempotent() {
        ComputeContext ctx = ComputeContext.open(Backend.CPU);
        Tensor a = Tensor.zeros(ctx, Layout.VECTOR, 10);
        Tensor b = Tensor.zeros(ctx, Layout.MATRIX, 3, 3);
        ctx.close();
        ctx.close();
        assertTrue(ctx.isClosed());
        assertTrue(a.isClosed());
        assertTrue(b.isClosed());
        assertThrows(InvalidHandleException.class, ctx::handle);
        assertThrows(InvalidHandleException.class, () -> a.copyFrom(new float[10]));
    }
}
