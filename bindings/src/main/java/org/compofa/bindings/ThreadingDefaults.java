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
 * <p>Why before loading: OpenBLAS reads its environment once, in a constructor that runs when
 * {@code dlopen} pulls it in; its thread pool cannot be changed afterwards. OpenBLAS runs on the
 * calling thread because our CPU GEMM already splits C into one block per thread of libcompofa's own
 * pool (a second pool only spins against ours). libcompofa no longer uses OpenMP (its kernels run on
 * its own pool, which spins briefly and then sleeps), so no OpenMP wait policy is set here: another
 * library's OpenMP runtime in the process keeps its own defaults.
 *
 * <p>A value the user has set is never overwritten ({@code setenv(..., 0)}); {@link #applied()} says
 * which defaults were set and which were the user's.
 */
public final class ThreadingDefaults {
    /** The defaults: variable -> value. */
    static final Map<String, String> DEFAULTS = Map.of(
            "OPENBLAS_NUM_THREADS", "1");       // GEMM blocks run on our pool's threads, not a second pool

    private static final System.Logger LOG = System.getLogger("org.compofa.bindings.ThreadingDefaults");
    private static final int RTLD_LAZY = 0x1;
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
     * Sets every default the environment lacks; idempotent. Where the user already chose, nothing is
     * changed.
     */
    static synchronized void applyBeforeLoad() {
        if (!applied.isEmpty()) {
            return;
        }
        Map<String, String> result = new LinkedHashMap<>();
        try (Arena arena = Arena.ofConfined()) {
            for (var e : DEFAULTS.entrySet()) {
                MemorySegment name = arena.allocateFrom(e.getKey());
                MemorySegment current = (MemorySegment) Libc.GETENV.invokeExact(name);
                if (!current.equals(MemorySegment.NULL)) {
                    result.put(e.getKey(), current.reinterpret(256).getString(0) + " (the user's)");
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

    private static MethodHandle libc(String name, FunctionDescriptor descriptor) {
        Linker linker = Linker.nativeLinker();
        SymbolLookup lookup = linker.defaultLookup();
        return linker.downcallHandle(lookup.find(name).orElseThrow(
                () -> new IllegalStateException("the C library has no " + name)), descriptor);
    }
}
