package org.compofa.bench.interop;

import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.compofa.bindings.RawOps;
import org.compofa.bindings.StreamHandle;
import org.compofa.runtime.Backend;
import org.compofa.runtime.ComputeContext;

/**
 * How a JVM user of JavaCPP's CUDA preset ({@code org.bytedeco:cuda}) runs our kernels on memory and
 * a stream it owns: device pointers pass as raw addresses ({@code Pointer.address()}) to the
 * {@code Raw*Ops} entry points, and its {@code cudaStream_t} is wrapped, not copied or owned
 * ({@link StreamHandle#wrap}), so our GEMM is ordered with the user's own copies on that stream.
 * The example multiplies two matrices it uploaded with {@code cudaMemcpyAsync} and checks the product
 * on the host. Both runtimes share the driver's primary context, so each side's pointers and streams
 * are valid for the other (CUDA 13.x minor-version compatibility covers JavaCPP's cudart 13.1 on a
 * 13.0 driver).
 *
 * <p>Run where a GPU and the preset's natives are ({@code org.bytedeco:cuda:13.1-9.19-1.5.13:
 * linux-x86_64} on the class path): {@code java --enable-native-access=ALL-UNNAMED -cp <jars>
 * org.compofa.bench.interop.JavaCppCudaInterop}. Without a CUDA device it says so and exits 0. Not yet
 * run: no session has had a GPU with those natives (they exceed what the device machine can carry).
 */
public final class JavaCppCudaInterop {
    private JavaCppCudaInterop() {}

    public static void main(String[] args) {
        if (!Backend.CUDA.isAvailable()) {
            System.out.println("SKIPPED: " + Backend.CUDA.describe());
            return;
        }
        int m = 37, n = 29, k = 41;
        float[] a = new float[m * k];
        float[] b = new float[k * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (i % 13) * 0.25f - 1.5f;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (i % 7) * 0.5f - 1.0f;
        }
        CUstream_st stream = new CUstream_st();
        check(cudart.cudaStreamCreate(stream), "cudaStreamCreate");
        Pointer da = new Pointer();
        Pointer db = new Pointer();
        Pointer dc = new Pointer();
        check(cudart.cudaMalloc(da, 4L * a.length), "cudaMalloc a");
        check(cudart.cudaMalloc(db, 4L * b.length), "cudaMalloc b");
        check(cudart.cudaMalloc(dc, 4L * m * n), "cudaMalloc c");
        try (FloatPointer ha = new FloatPointer(a); FloatPointer hb = new FloatPointer(b);
             FloatPointer hc = new FloatPointer((long) m * n);
             ComputeContext ctx = ComputeContext.open(Backend.CUDA);
             StreamHandle ours = StreamHandle.wrap(ctx.handle(), stream.address())) {
            check(cudart.cudaMemcpyAsync(da, ha, 4L * a.length, cudart.cudaMemcpyHostToDevice, stream), "upload a");
            check(cudart.cudaMemcpyAsync(db, hb, 4L * b.length, cudart.cudaMemcpyHostToDevice, stream), "upload b");
            // Our GEMM on the user's stream, reading and writing the user's device memory in place.
            RawOps.gemm(ctx.handle(), ours, false, false, m, n, k, 1f, da.address(), a.length, k, db.address(),
                    b.length, n, 0f, dc.address(), (long) m * n, n);
            check(cudart.cudaMemcpyAsync(hc, dc, 4L * m * n, cudart.cudaMemcpyDeviceToHost, stream), "download c");
            check(cudart.cudaStreamSynchronize(stream), "cudaStreamSynchronize");
            double worst = 0;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int q = 0; q < k; q++) {
                        s += (double) a[i * k + q] * b[q * n + j];
                    }
                    worst = Math.max(worst, Math.abs(s - hc.get((long) i * n + j)));
                }
            }
            System.out.printf("compofa GEMM on a JavaCPP stream and JavaCPP device memory: max |error| %.2e%n", worst);
            if (worst > 1e-3) {
                throw new IllegalStateException("the product differs from the host's by " + worst);
            }
        } finally {
            cudart.cudaFree(da);
            cudart.cudaFree(db);
            cudart.cudaFree(dc);
            cudart.cudaStreamDestroy(stream);
        }
    }

    private static void check(int status, String what) {
        if (status != cudart.cudaSuccess) {
            throw new IllegalStateException(what + " failed: " + cudart.cudaGetErrorString(status).getString());
        }
    }
}
