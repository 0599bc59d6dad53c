package org.compofa.testing;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

import org.compofa.bindings.NativeLibrary;

/**
 * The CPU kernels' ISA, forced through the library's test-only export
 * {@code compofa_testing_set_cpu_isa} (native/src/api/isa_testing.h; not part of compofa.h), so that
 * the AVX2 kernels can be tested on an AVX-512 machine. Users never need it: the library picks the
 * best ISA when it loads.
 */
public final class CpuIsa {
    /** System property read by {@link CpuIsaOverride}: run a test JVM's CPU ops with this ISA. */
    public static final String PROPERTY = "compofa.test.cpuIsa";

    private CpuIsa() {}

    /** Back to this JVM's ISA: the one {@value #PROPERTY} names, else the library's own choice. */
    public static void restore() {
        String isa = System.getProperty(PROPERTY, "");
        set(isa.isEmpty() ? "auto" : isa);
    }

    /**
     * Selects the kernels: "avx2", "avx512" or "auto" (what the library chose at load).
     *
     * @return true when selected, false when this CPU or build lacks that ISA
     */
    public static boolean set(String name) {
        MethodHandle h = Linker.nativeLinker().downcallHandle(
                NativeLibrary.get().lookup().find("compofa_testing_set_cpu_isa").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocateFrom(name);
            int status = (int) h.invokeExact(s);
            if (status == 1) {  // COMPOFA_ERR_INVALID_ARGUMENT
                throw new IllegalArgumentException("unknown ISA " + name);
            }
            return status == 0;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
