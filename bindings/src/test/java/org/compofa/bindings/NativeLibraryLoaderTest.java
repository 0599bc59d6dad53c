package org.compofa.bindings;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading libcompofa: from the property directory, from a jar resource (extraction), and failures. */
class NativeLibraryLoaderTest {
    private static Path builtDir;
    private static byte[] libraryBytes;

    @BeforeAll
    static void findBuiltLibrary() throws IOException {
        // surefire sets compofa.test.native.dir; the device check passes -Dcompofa.library.path instead
        String dir = System.getProperty("compofa.test.native.dir", System.getProperty(NativeLibrary.PATH_PROPERTY));
        assumeTrue(dir != null, "no folder of the built library (compofa.test.native.dir or compofa.library.path)");
        builtDir = Path.of(dir);
        libraryBytes = Files.readAllBytes(builtDir.resolve(NativeLibrary.FILE_NAME));
    }

    private static Path jarWithLibrary(Path folder) throws IOException {
        Path jar = folder.resolve("bindings-with-native.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out)) {
            j.putNextEntry(new JarEntry(NativeLibrary.resourceName()));
            j.write(libraryBytes);
            j.closeEntry();
        }
        return jar;
    }

    @Test
    void loader_fromPropertyDirectory_loadsAndReportsAbiVersion(@TempDir Path cache) {
        try (Arena arena = Arena.ofConfined()) {
            NativeLibrary lib = NativeLibrary.load(builtDir.toString(), null, cache, arena);
            assertEquals(NativeLibrary.EXPECTED_ABI_VERSION, lib.abiVersion());
            assertEquals(builtDir.toAbsolutePath().resolve(NativeLibrary.FILE_NAME), lib.path());
            assertTrue(lib.source().contains(NativeLibrary.PATH_PROPERTY), lib.source());
            assertTrue(lib.lookup().find("compofa_dwconv_forward").isPresent());
        }
    }

    @Test
    void loader_fromJarResource_extractsOnceToHashedCacheDir(@TempDir Path tmp) throws Exception {
        Path cache = tmp.resolve("cache");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jarWithLibrary(tmp).toUri().toURL()}, null);
             Arena arena = Arena.ofConfined()) {
            NativeLibrary lib = NativeLibrary.load(null, loader, cache, arena);
            assertEquals(NativeLibrary.EXPECTED_ABI_VERSION, lib.abiVersion());
            Path extracted = lib.path();
            assertTrue(extracted.startsWith(cache.toAbsolutePath()), extracted.toString());
            assertTrue(extracted.getParent().getFileName().toString().matches("compofa-native-[0-9a-f]{16}"),
                    extracted.toString());
            assertArrayEquals(libraryBytes, Files.readAllBytes(extracted));
            var modified = Files.getLastModifiedTime(extracted);
            // A second load reuses the identical copy instead of rewriting it.
            assertEquals(extracted, NativeLibrary.extract(NativeLibrary.resourceName(), loader, cache));
            assertEquals(modified, Files.getLastModifiedTime(extracted));
            try (var files = Files.list(extracted.getParent())) {
                assertEquals(1, files.count(), "no temporary files are left behind");
            }
        }
    }

    /**
     * The library needs nothing beside it outside glibc: a jar with libcompofa.so alone loads, and
     * the process maps no OpenBLAS, libgfortran or OpenMP runtime (OpenBLAS is linked in statically,
     * the CPU kernels run on the library's own thread pool).
     */
    @Test
    void loader_libraryAlone_loadsWithoutOpenMpOrBlasRuntime(@TempDir Path tmp) throws Exception {
        assertTrue(Files.notExists(builtDir.resolve("libgomp.so.1")), "the build bundles no OpenMP runtime");
        Path jar = tmp.resolve("bindings-library-only.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out)) {
            String folder = "native/" + NativeLibrary.platform() + "/";
            j.putNextEntry(new JarEntry(folder + NativeLibrary.FILE_NAME));
            j.write(libraryBytes);
            j.putNextEntry(new JarEntry(folder + NativeBundle.INDEX_NAME));
            j.write((NativeLibrary.FILE_NAME + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        Path cache = tmp.resolve("cache");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
             Arena arena = Arena.ofConfined()) {
            NativeLibrary lib = NativeLibrary.load(null, loader, cache, arena);
            try (var files = Files.list(lib.path().getParent())) {
                Set<String> names = files.map(f -> f.getFileName().toString())
                        .collect(java.util.stream.Collectors.toSet());
                names.remove(NativeBundle.INDEX_NAME);
                assertEquals(Set.of(NativeLibrary.FILE_NAME), names);
            }
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                int slash = line.indexOf('/');
                String file = slash < 0 ? "" : line.substring(slash);
                assertTrue(!file.contains("libopenblas") && !file.contains("libgfortran") && !file.contains("libgomp"),
                        "libcompofa links OpenBLAS statically and uses no OpenMP runtime; mapped: " + file);
            }
        }
    }

    @Test
    void loader_corruptCachedCopy_isReplaced(@TempDir Path tmp) throws Exception {
        Path cache = tmp.resolve("cache");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jarWithLibrary(tmp).toUri().toURL()}, null)) {
            Path first = NativeLibrary.extract(NativeLibrary.resourceName(), loader, cache);
            Files.write(first, new byte[] {1, 2, 3});
            Path again = NativeLibrary.extract(NativeLibrary.resourceName(), loader, cache);
            assertEquals(first, again);
            assertArrayEquals(libraryBytes, Files.readAllBytes(again));
        }
    }

    @Test
    void loader_concurrentExtraction_allThreadsGetOneIntactFile(@TempDir Path tmp) throws Exception {
        Path cache = tmp.resolve("cache");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jarWithLibrary(tmp).toUri().toURL()}, null)) {
            List<Future<Path>> futures = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                futures.add(pool.submit(() -> NativeLibrary.extract(NativeLibrary.resourceName(), loader, cache)));
            }
            Set<Path> paths = new HashSet<>();
            for (Future<Path> f : futures) {
                paths.add(f.get());
            }
            assertEquals(1, paths.size());
            assertArrayEquals(libraryBytes, Files.readAllBytes(paths.iterator().next()));
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void loader_badPropertyDirectory_throwsNamingThePath(@TempDir Path cache) {
        String bad = cache.resolve("no-such-dir").toString();
        NativeLibraryException e = assertThrows(NativeLibraryException.class,
                () -> NativeLibrary.load(bad, NativeLibraryLoaderTest.class.getClassLoader(), cache, Arena.global()));
        assertTrue(e.getMessage().contains(bad), e.getMessage());
        assertEquals(1, e.attempts().size(), "an explicit directory does not fall back to the packaged copy");
    }

    @Test
    void loader_directoryWithoutLibrary_throwsNoFile(@TempDir Path dir) {
        NativeLibraryException e = assertThrows(NativeLibraryException.class,
                () -> NativeLibrary.load(dir.toString(), null, dir, Arena.global()));
        assertTrue(e.getMessage().contains("no file " + dir.toAbsolutePath().resolve(NativeLibrary.FILE_NAME)),
                e.getMessage());
    }

    @Test
    void loader_notALibrary_throwsCannotOpen(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve(NativeLibrary.FILE_NAME), "not an ELF file");
        NativeLibraryException e = assertThrows(NativeLibraryException.class,
                () -> NativeLibrary.load(dir.toString(), null, dir, Arena.global()));
        assertTrue(e.getMessage().contains("cannot open"), e.getMessage());
    }

    /** A library whose dependency is missing (as libopenblas.so.0 on a bare machine): the loader's own words. */
    @Test
    void loader_missingDependency_namesTheMissingLibrary(@TempDir Path dir) throws Exception {
        Path source = dir.resolve("dep.c");
        Files.writeString(source, "int compofa_test_dep(void) { return 1; }\n");
        Path dep = dir.resolve("libcompofa_vanished_dep.so");
        assumeTrue(run(dir, "cc", "-shared", "-fPIC", "-o", dep.toString(), source.toString()),
                "no C compiler to build the test library");
        Path user = dir.resolve("user.c");
        Files.writeString(user, "int compofa_test_dep(void);\nint compofa_test_user(void) { return compofa_test_dep(); }\n");
        Path lib = dir.resolve(NativeLibrary.FILE_NAME);
        assertTrue(run(dir, "cc", "-shared", "-fPIC", "-o", lib.toString(), user.toString(),
                "-L" + dir, "-lcompofa_vanished_dep"), "linking the test library");
        Files.delete(dep);  // now its dependency is missing, as on a machine without libopenblas0
        NativeLibraryException e = assertThrows(NativeLibraryException.class,
                () -> NativeLibrary.load(dir.toString(), null, dir, Arena.global()));
        assertTrue(e.attempts().get(0).contains("libcompofa_vanished_dep.so: cannot open shared object file"),
                e.attempts().toString());
    }

    private static boolean run(Path dir, String... command) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void loader_noPropertyNoResource_listsEveryAttempt(@TempDir Path cache) throws IOException {
        try (URLClassLoader empty = new URLClassLoader(new URL[0], null)) {
            NativeLibraryException e = assertThrows(NativeLibraryException.class,
                    () -> NativeLibrary.load(null, empty, cache, Arena.global()));
            assertEquals(2, e.attempts().size(), e.getMessage());
            assertTrue(e.attempts().get(0).contains(NativeLibrary.PATH_PROPERTY + ": not set"), e.getMessage());
            assertTrue(e.attempts().get(1).contains(NativeLibrary.resourceName()), e.getMessage());
        }
    }

    @Test
    void loader_processWide_usesPackagedResourceAndPlatformName() {
        NativeLibrary lib = NativeLibrary.get();
        assertEquals(NativeLibrary.EXPECTED_ABI_VERSION, lib.abiVersion());
        assertEquals(NativeLibrary.EXPECTED_ABI_VERSION, CompofaNative.abiVersion());
        assertEquals("native/" + NativeLibrary.platform() + "/" + NativeLibrary.FILE_NAME, NativeLibrary.resourceName());
        if (System.getProperty(NativeLibrary.PATH_PROPERTY) == null) {
            assertTrue(lib.source().startsWith("resource native/"), lib.source());
        }
    }
}
