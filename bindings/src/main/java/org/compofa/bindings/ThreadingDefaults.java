package org.compofa.bindings;

import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The threading settings libcompofa's runtimes need, fixed in the process environment before the
 * library is loaded, so that a program linking the jar gets the fast path without setting anything.
 *
 * <p>Why before loading: libgomp (OpenMP) and OpenBLAS read their environment once, in constructors
 * that run when {@code dlopen} pulls them in with libcompofa; nothing can change their wait policy or
 * OpenBLAS's thread pool afterwards. Measured on a 2-vCPU AMD EPYC (benchmarks/RESULTS.md): with
 * OpenMP's default spinning wait the Fashion compound step took 1260 ± 547 ms, with a passive wait
 * 477 ± 76 ms; spinning workers fight the JVM's own threads on few cores. OpenBLAS runs on the calling
 * thread because our CPU GEMM already splits C into one block per OpenMP thread (a second pool only
 * spins against ours).
 *
 * <p>A value the user has set is never overwritten ({@code setenv(..., 0)}); {@link #applied()} says
 * which defaults were set and which were the user's. When libgomp is already in the process before
 * libcompofa (another library loaded it), its policy is already fixed: that is logged as a warning.
 */
public final class ThreadingDefaults {
    /** The defaults: variable -> value. */
    static final Map<String, String> DEFAULTS = Map.of(
            "OMP_WAIT_POLICY", "passive",       // OpenMP workers sleep when idle instead of spinning
            "OPENBLAS_NUM_THREADS", "1");       // GEMM blocks run on our OpenMP threads, not a second pool

    private static final System.Logger LOG = System.getLogger("org.compofa.bindings.ThreadingDefaults");
    private static final int RTLD_LAZY = 0x1;
    private static final int RTLD_NOLOAD = 0x4;
    private static volatile Map<String, String> applied = Map.of();

    private ThreadingDefaults() {}

    /** The C library functions used here, looked up once on first use. */
    private static final class Libc {
        static final MethodHandle SETENV = libc("setenv", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        static final MethodHandle GETENV = libc("getenv", FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        static final MethodHandle DLOPEN = libc("dlopen", FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                ValueLayout.JAVA_INT));
        static final MethodHandle DLCLOSE = libc("dlclose", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        static final MethodHandle DLERROR = libc("dlerror", FunctionDescriptor.of(ValueLayout.ADDRESS));
    }

    /**
     * Sets every default the environment lacks; idempotent. Where the user already chose (for OpenMP
     * also {@code GOMP_SPINCOUNT} or {@code OMP_WAIT_POLICY} themselves), nothing is changed.
     */
    static synchronized void applyBeforeLoad() {
        if (!applied.isEmpty()) {
            return;
        }
        Map<String, String> result = new LinkedHashMap<>();
        try (Arena arena = Arena.ofConfined()) {
            if (libgompLoaded(arena)) {
                LOG.log(Level.WARNING, "compofa: libgomp was loaded before libcompofa (by another library); its "
                        + "wait policy is fixed already and may spin (set OMP_WAIT_POLICY=passive before the JVM starts)");
            }
            boolean userSpin = !((MemorySegment) Libc.GETENV.invokeExact(arena.allocateFrom("GOMP_SPINCOUNT")))
                    .equals(MemorySegment.NULL);
            for (var e : DEFAULTS.entrySet()) {
                MemorySegment name = arena.allocateFrom(e.getKey());
                MemorySegment current = (MemorySegment) Libc.GETENV.invokeExact(name);
                boolean userChose = !current.equals(MemorySegment.NULL)
                        || (userSpin && e.getKey().equals("OMP_WAIT_POLICY"));
                if (userChose) {
                    String value = current.equals(MemorySegment.NULL) ? "(GOMP_SPINCOUNT set)"
                            : current.reinterpret(256).getString(0);
                    result.put(e.getKey(), value + " (the user's)");
                    continue;
                }
                int rc = (int) Libc.SETENV.invokeExact(name, arena.allocateFrom(e.getValue()), 0);
                result.put(e.getKey(), rc == 0 ? e.getValue() : "unset (setenv failed)");
            }
        } catch (Throwable t) {
            // Never fatal: the library works with the runtimes' own defaults, only slower.
            LOG.log(Level.WARNING, "compofa: could not set the threading defaults: " + t);
            result.put("error", String.valueOf(t));
        }
        applied = Map.copyOf(result);
        LOG.log(Level.DEBUG, "compofa: threading defaults {0}", applied);
    }

    /**
     * What {@link #applyBeforeLoad()} found and set (variable -> value, marked when it was the user's).
     *
     * @return variable to value
     */
    public static Map<String, String> applied() {
        return applied;
    }

    /**
     * The dynamic loader's own message for {@code file} ({@code dlerror()} after a {@code dlopen}), which
     * names a missing dependency such as {@code libopenblas.so.0}; null when it opens or cannot be asked.
     */
    static String loaderError(Path file) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment handle = (MemorySegment) Libc.DLOPEN.invokeExact(arena.allocateFrom(file.toString()), RTLD_LAZY);
            if (!handle.equals(MemorySegment.NULL)) {
                int ignored = (int) Libc.DLCLOSE.invokeExact(handle);
                return null;
            }
            MemorySegment message = (MemorySegment) Libc.DLERROR.invokeExact();
            return message.equals(MemorySegment.NULL) ? null : message.reinterpret(4096).getString(0);
        } catch (Throwable t) {
            return null;
        }
    }

    private static boolean libgompLoaded(Arena arena) throws Throwable {
        MemorySegment h = (MemorySegment) Libc.DLOPEN.invokeExact(arena.allocateFrom("libgomp.so.1"), RTLD_LAZY | RTLD_NOLOAD);
        if (h.equals(MemorySegment.NULL)) {
            return false;
        }
        int ignored = (int) Libc.DLCLOSE.invokeExact(h);  // NOLOAD still took a reference
        return true;
    }

    private static MethodHandle libc(String name, FunctionDescriptor descriptor) {
        Linker linker = Linker.nativeLinker();
        SymbolLookup lookup = linker.defaultLookup();
        return linker.downcallHandle(lookup.find(name).orElseThrow(
                () -> new IllegalStateException("the C library has no " + name)), descriptor);
    }
}
