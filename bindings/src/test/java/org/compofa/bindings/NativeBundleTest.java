package org.compofa.bindings;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Extraction of the packaged native files: the main library and the companions its index names. */
class NativeBundleTest {
    private static final String FOLDER = "native/" + NativeLibrary.platform() + "/";

    private static byte[] randomBytes(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** A jar holding the given resources (name relative to FOLDER -> bytes). */
    private static URLClassLoader jar(Path dir, Map<String, byte[]> files) throws IOException {
        Path jar = Files.createTempFile(dir, "bundle", ".jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out)) {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                j.putNextEntry(new JarEntry(FOLDER + f.getKey()));
                j.write(f.getValue());
                j.closeEntry();
            }
        }
        return new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
    }

    private static Map<String, byte[]> bundle(byte[] main, byte[] plugin, String index) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(NativeLibrary.FILE_NAME, main);
        if (plugin != null) {
            files.put("libcompofa_mpi.so", plugin);
        }
        files.put(NativeBundle.INDEX_NAME, index.getBytes(StandardCharsets.UTF_8));
        return files;
    }

    @Test
    void extract_withIndex_putsEveryListedFileNextToTheLibrary(@TempDir Path tmp) throws Exception {
        byte[] main = randomBytes(11, 4099);
        byte[] plugin = randomBytes(12, 1537);
        try (URLClassLoader loader = jar(tmp, bundle(main, plugin, "libcompofa.so\nlibcompofa_mpi.so\n"))) {
            Path lib = NativeLibrary.extract(NativeLibrary.resourceName(), loader, tmp.resolve("cache"));
            assertEquals(NativeLibrary.FILE_NAME, lib.getFileName().toString());
            assertArrayEquals(main, Files.readAllBytes(lib));
            assertArrayEquals(plugin, Files.readAllBytes(lib.resolveSibling("libcompofa_mpi.so")));
            try (var files = Files.list(lib.getParent())) {
                assertEquals(2, files.count(), "the two listed files and nothing else (no index, no temporaries)");
            }
        }
    }

    @Test
    void extract_changedCompanion_goesToAnotherFolder(@TempDir Path tmp) throws Exception {
        byte[] main = randomBytes(21, 777);
        Path cache = tmp.resolve("cache");
        Path first;
        Path second;
        try (URLClassLoader a = jar(tmp, bundle(main, randomBytes(22, 301), "libcompofa_mpi.so\n"))) {
            first = NativeLibrary.extract(NativeLibrary.resourceName(), a, cache);
        }
        try (URLClassLoader b = jar(tmp, bundle(main, randomBytes(23, 301), "libcompofa_mpi.so\n"))) {
            second = NativeLibrary.extract(NativeLibrary.resourceName(), b, cache);
        }
        // Two jars that differ only in the plugin never share (and overwrite) one folder.
        assertNotEquals(first.getParent(), second.getParent());
        assertTrue(Files.isRegularFile(first.resolveSibling("libcompofa_mpi.so")));
    }

    @Test
    void extract_indexWithAPath_isRefusedNamingTheEntry(@TempDir Path tmp) throws Exception {
        try (URLClassLoader loader = jar(tmp, bundle(randomBytes(31, 100), null, "libcompofa.so\n../evil.so\n"))) {
            IOException e = assertThrows(IOException.class,
                    () -> NativeLibrary.extract(NativeLibrary.resourceName(), loader, tmp.resolve("cache")));
            assertTrue(e.getMessage().contains("'../evil.so'"), e.getMessage());
            assertTrue(Files.notExists(tmp.resolve("evil.so")));
        }
    }

    @Test
    void extract_indexNamingAMissingFile_isRefusedAsABrokenPackage(@TempDir Path tmp) throws Exception {
        try (URLClassLoader loader = jar(tmp, bundle(randomBytes(41, 100), null, "libcompofa_mpi.so\n"))) {
            IOException e = assertThrows(IOException.class,
                    () -> NativeLibrary.extract(NativeLibrary.resourceName(), loader, tmp.resolve("cache")));
            assertTrue(e.getMessage().contains("libcompofa_mpi.so") && e.getMessage().contains("lacks"), e.getMessage());
        }
    }

    @Test
    void extract_oversizedIndex_isRefused(@TempDir Path tmp) throws Exception {
        String huge = "a.so\n".repeat(20_000);
        try (URLClassLoader loader = jar(tmp, bundle(randomBytes(51, 100), null, huge))) {
            IOException e = assertThrows(IOException.class,
                    () -> NativeLibrary.extract(NativeLibrary.resourceName(), loader, tmp.resolve("cache")));
            assertTrue(e.getMessage().contains("allowed at most"), e.getMessage());
        }
    }
}
