package org.compofa.bindings;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Finds and loads libcompofa once per JVM.
 *
 * <p>Where it looks, in order:
 * <ol>
 *   <li>the directory in the system property {@value #PATH_PROPERTY}, when set. An explicit
 *       directory is authoritative: when it does not hold a loadable library the load fails (it
 *       does not fall back to the packaged copy, so a misconfiguration is never hidden);</li>
 *   <li>else the copy packaged in the bindings jar as {@code native/<os>-<arch>/libcompofa.so},
 *       extracted once, with the companion files listed in that folder's {@code compofa-native.list}
 *       (e.g. the MPI plugin), to {@code ${java.io.tmpdir}/compofa-native-<sha256 prefix>/} (written to a
 *       temporary file and moved atomically, so concurrent JVMs are safe; an existing copy is reused
 *       only when its bytes hash the same).</li>
 * </ol>
 * OpenBLAS is linked into libcompofa statically and its CPU kernels run on its own thread pool (no
 * OpenMP runtime), so a machine with only a JDK and the jar runs it.
 * Every attempt and its outcome is logged through {@link System.Logger} ({@code org.compofa.bindings});
 * a candidate counts only when it opens, exports every ABI symbol and reports
 * {@link #EXPECTED_ABI_VERSION}. When nothing works, {@link #get()} throws a
 * {@link NativeLibraryException} listing every attempt, the first time and every time after.
 */
public final class NativeLibrary {
    /** System property: a directory that holds libcompofa.so. */
    public static final String PATH_PROPERTY = "compofa.library.path";
    /** The ABI version these bindings were written for ({@code COMPOFA_ABI_VERSION}). */
    public static final int EXPECTED_ABI_VERSION = 4;
    /** The file name of the library on this OS ({@code libcompofa.so} on Linux). */
    public static final String FILE_NAME = System.mapLibraryName("compofa");

    private static final System.Logger LOG = System.getLogger("org.compofa.bindings.NativeLibrary");

    private final Path path;
    private final String source;
    private final SymbolLookup lookup;
    private final int abiVersion;

    private NativeLibrary(Path path, String source, SymbolLookup lookup, int abiVersion) {
        this.path = path;
        this.source = source;
        this.lookup = lookup;
        this.abiVersion = abiVersion;
    }

    /**
     * The loaded file.
     *
     * @return the library file
     */
    public Path path() {
        return path;
    }

    /**
     * Where it came from, in words (the property, or the jar resource and where it was extracted).
     *
     * @return the description of the source
     */
    public String source() {
        return source;
    }

    /**
     * The symbols of the loaded library.
     *
     * @return the symbol lookup
     */
    public SymbolLookup lookup() {
        return lookup;
    }

    /**
     * {@code compofa_abi_version()} of the loaded library.
     *
     * @return the ABI version
     */
    public int abiVersion() {
        return abiVersion;
    }

    @Override
    public String toString() {
        return "libcompofa ABI " + abiVersion + " from " + source;
    }

    // ---- the process-wide library ----------------------------------------------------------

    private record Outcome(NativeLibrary library, NativeLibraryException failure) {}

    /** Lazy holder: the first use loads; a failure is stored (never thrown from here). */
    private static final class Holder {
        static final Outcome OUTCOME = loadProcessWide();
    }

    private static Outcome loadProcessWide() {
        try {
            return new Outcome(load(System.getProperty(PATH_PROPERTY), NativeLibrary.class.getClassLoader(),
                    Path.of(System.getProperty("java.io.tmpdir")), Arena.global()), null);
        } catch (NativeLibraryException e) {
            return new Outcome(null, e);
        }
    }

    /**
     * The library the bindings use, loaded on first call.
     *
     * @return the loaded library
     * @throws NativeLibraryException when it could not be loaded (now or on the first call)
     */
    public static NativeLibrary get() {
        Outcome o = Holder.OUTCOME;
        if (o.library != null) {
            return o.library;
        }
        NativeLibraryException first = o.failure;
        throw new NativeLibraryException("libcompofa is not loaded (the first attempt failed; see the cause)",
                first.attempts(), first);
    }

    /** The library the bindings use, or null when it could not be loaded. */
    static NativeLibrary getOrNull() {
        return Holder.OUTCOME.library;
    }

    /**
     * The {@code <os>-<arch>} folder name of this platform, e.g. {@code linux-x86_64}.
     *
     * @return the platform folder name
     */
    public static String platform() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        String o = os.contains("linux") ? "linux" : os.contains("mac") ? "macos" : os.contains("win") ? "windows" : os;
        String a = switch (arch) {
            case "amd64", "x86_64", "x86-64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> arch;
        };
        return o + "-" + a;
    }

    /**
     * The resource name of the packaged library for this platform.
     *
     * @return the resource name
     */
    public static String resourceName() {
        return "native/" + platform() + "/" + FILE_NAME;
    }

    /**
     * Loads a library instance without touching the process-wide one; {@link #get()} uses this with
     * the system property, the bindings' class loader, {@code java.io.tmpdir} and the global arena.
     *
     * @param directory a directory holding {@link #FILE_NAME}, or null to use the packaged resource
     * @param resources where to find the packaged resource {@link #resourceName()}
     * @param cacheRoot where to extract the packaged resource (a subfolder per content hash)
     * @param arena     lifetime of the loaded library (closing it unloads the library)
     * @return the loaded library
     * @throws NativeLibraryException listing every attempt when no candidate works
     */
    public static NativeLibrary load(String directory, ClassLoader resources, Path cacheRoot, Arena arena) {
        List<String> attempts = new ArrayList<>();
        Throwable last = null;
        if (directory != null) {
            String where = "-D" + PATH_PROPERTY + "=" + directory;
            try {
                Path dir = Path.of(directory).toAbsolutePath();
                if (!Files.isDirectory(dir)) {
                    throw new IOException("directory " + dir + " does not exist");
                }
                return open(dir.resolve(FILE_NAME), where, arena);
            } catch (Exception e) {
                attempts.add(where + ": " + e.getMessage());
                LOG.log(Level.WARNING, "compofa: cannot load the library from {0}: {1}", where, e.getMessage());
                throw new NativeLibraryException("cannot load " + FILE_NAME + " from the directory " + directory
                        + " named by -D" + PATH_PROPERTY + " (an explicit directory is not overridden by the "
                        + "packaged copy)", attempts, e);
            }
        }
        attempts.add("-D" + PATH_PROPERTY + ": not set");
        LOG.log(Level.DEBUG, "compofa: -D{0} not set; trying the packaged library", PATH_PROPERTY);
        String resource = resourceName();
        String where = "resource " + resource;
        try {
            Path extracted = extract(resource, resources, cacheRoot);
            return open(extracted, where + " extracted to " + extracted, arena);
        } catch (Exception e) {
            attempts.add(where + ": " + e.getMessage());
            LOG.log(Level.WARNING, "compofa: cannot load the packaged library {0}: {1}", resource, e.getMessage());
            last = e;
        }
        throw new NativeLibraryException("cannot load " + FILE_NAME + " for " + platform()
                + " (set -D" + PATH_PROPERTY + " to a directory that holds it, or use a bindings jar built "
                + "for this platform)", attempts, last);
    }

    private static NativeLibrary open(Path file, String source, Arena arena) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("no file " + file);
        }
        ThreadingDefaults.applyBeforeLoad();
        SymbolLookup lookup;
        try {
            lookup = SymbolLookup.libraryLookup(file, arena);
        } catch (IllegalArgumentException e) {
            String reason = ThreadingDefaults.loaderError(file);
            throw new IOException("the dynamic loader cannot open " + file + ": "
                    + (reason != null ? reason : e.getMessage() + " (is it built for " + platform() + "?)"), e);
        }
        List<String> missing = allSymbols().stream().filter(s -> lookup.find(s).isEmpty()).toList();
        if (!missing.isEmpty()) {
            throw new IOException(file + " lacks the ABI symbols " + missing + " (an older or foreign build)");
        }
        int version;
        try {
            MethodHandle h = Linker.nativeLinker().downcallHandle(lookup.find("compofa_abi_version").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT));
            version = (int) h.invokeExact();
        } catch (Throwable t) {
            throw new IOException("compofa_abi_version() of " + file + " failed: " + t, t);
        }
        if (version != EXPECTED_ABI_VERSION) {
            throw new IOException(file + " has ABI version " + version + "; these bindings need "
                    + EXPECTED_ABI_VERSION);
        }
        LOG.log(Level.INFO, "compofa: loaded {0} (ABI {1}) from {2}", file, version, source);
        return new NativeLibrary(file, source, lookup, version);
    }

    /**
     * Extracts the resource, with the companion files its folder's index names (the MPI plugin,
     * bundled libraries), to {@code cacheRoot/compofa-native-<sha256 prefix>/}; see {@link NativeBundle}.
     */
    static Path extract(String resource, ClassLoader resources, Path cacheRoot) throws IOException {
        return NativeBundle.extract(resource, resources, cacheRoot);
    }

    /** Every symbol of every downcall table (the loader refuses a library that lacks one). */
    static List<String> allSymbols() {
        return Stream.of(CompofaNative.SYMBOLS, CompofaNnNative.SYMBOLS, CompofaFusedNative.SYMBOLS,
                CompofaSettingsNative.SYMBOLS, CompofaCommNative.SYMBOLS).flatMap(List::stream).toList();
    }
}
