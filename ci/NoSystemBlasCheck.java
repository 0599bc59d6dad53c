// Run by ci/check-no-system-blas.sh (single-file source launch, class path = the built jars) inside a
// mount namespace that hides the system's OpenBLAS, libgfortran, libquadmath and libgomp: a GEMM of odd
// sizes through the CPU backend (OpenBLAS, split over the library's own pool threads) against a
// double-precision reference, then /proc/self/maps: libcompofa came from the jar, and no OpenBLAS,
// Fortran or OpenMP library is mapped at all (libcompofa needs none). Exit 0 and "no-system-blas: OK" only when all hold.
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.compofa.bindings.NativeLibrary;
import org.compofa.ops.MatrixSlice;
import org.compofa.ops.SliceGemm;
import org.compofa.runtime.Backend;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.Layout;
import org.compofa.runtime.Tensor;

public class NoSystemBlasCheck {
    public static void main(String[] args) throws Exception {
        int m = 203, n = 157, k = 131;  // m*n*k > 2^20: the per-thread split path (pool + OpenBLAS)
        SplittableRandom rnd = new SplittableRandom(7);
        float[] a = new float[m * k], b = new float[k * n];
        for (int i = 0; i < a.length; i++) a[i] = (float) rnd.nextGaussian();
        for (int i = 0; i < b.length; i++) b[i] = (float) rnd.nextGaussian();
        float[] c;
        String described;
        try (ComputeContext ctx = ComputeContext.open(Backend.CPU);
             Tensor ta = Tensor.of(ctx, Layout.MATRIX, a, m, k);
             Tensor tb = Tensor.of(ctx, Layout.MATRIX, b, k, n);
             Tensor tc = Tensor.zeros(ctx, Layout.MATRIX, m, n)) {
            ctx.setThreads(2);
            SliceGemm.gemm(ctx, 1f, MatrixSlice.of(ta), false, MatrixSlice.of(tb), false, 0f, MatrixSlice.of(tc));
            c = tc.toArray();
            described = ctx.describe();
        }
        double worst = 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0, scale = 0;
                for (int p = 0; p < k; p++) {
                    s += (double) a[i * k + p] * b[p * n + j];
                    scale += Math.abs((double) a[i * k + p] * b[p * n + j]);
                }
                // fp32 accumulation of k products: error <= k * 2^-24 * sum |a b| (loose bound, any order)
                worst = Math.max(worst, Math.abs(c[i * n + j] - s) / (k * 0x1p-24 * scale + 1e-30));
            }
        }
        System.out.println("backend: " + described);
        System.out.printf("GEMM %dx%dx%d: worst error %.3f of the fp32 bound%n", m, n, k, worst);
        Path lib = NativeLibrary.get().path();
        TreeSet<String> mapped = new TreeSet<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            int slash = line.indexOf('/');
            if (slash >= 0 && line.contains(".so")) mapped.add(line.substring(slash));
        }
        boolean ok = worst <= 1 && described.contains("OpenBLAS");
        if (!lib.getParent().getFileName().toString().startsWith("compofa-native-")) {
            System.out.println("FAIL: libcompofa was not extracted from the jar: " + lib);
            ok = false;
        }
        for (String f : mapped) {
            boolean foreign = f.matches(".*/lib(openblas|blas|lapack|gfortran|quadmath|gomp)[^/]*");
            if (foreign || f.contains("compofa")) System.out.println("mapped: " + f);
            if (foreign) {
                System.out.println("FAIL: " + f + " is not ours");
                ok = false;
            }
        }
        System.out.println(ok ? "no-system-blas: OK" : "no-system-blas: FAILED");
        System.exit(ok ? 0 : 1);
    }
}
