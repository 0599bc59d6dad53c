package org.compofa.bindings;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Extracts the native files packaged in the bindings jar into one folder, so that libcompofa.so
 * finds its companions (the MPI plugin libcompofa_mpi.so, bundled libraries) next to itself.
 *
 * <p>A jar's folder cannot be listed reliably, so the folder of the main library holds an index,
 * {@value #INDEX_NAME} (written by CMake), naming every file to extract, one name a line. Without an
 * index only the main library is extracted. All files go to
 * {@code cacheRoot/compofa-native-<sha256 prefix of all names and bytes>/}; each is written to a
 * temporary file and renamed atomically (safe against concurrent JVMs), and an existing copy is
 * reused only when its bytes hash the same.
 */
final class NativeBundle {
    /** The index resource next to the main library: the file names to extract, one a line. */
    static final String INDEX_NAME = "compofa-native.list";

    private static final int MAX_INDEX_BYTES = 64 * 1024;
    private static final int MAX_FILES = 64;
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,127}");
    private static final System.Logger LOG = System.getLogger("org.compofa.bindings.NativeLibrary");

    private NativeBundle() {}

    /**
     * Extracts the resource {@code folder/main} and every file the folder's index names; returns the
     * path of the extracted main file.
     */
    static Path extract(String resource, ClassLoader resources, Path cacheRoot) throws IOException {
        if (resources == null) {
            throw new IOException("not on the class path (no class loader to read " + resource + " from)");
        }
        int slash = resource.lastIndexOf('/');
        String folder = resource.substring(0, slash + 1);
        String main = resource.substring(slash + 1);
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String name : names(folder, main, resources)) {
            byte[] bytes = read(resources, folder + name);
            if (bytes == null) {
                throw new IOException(name.equals(main)
                        ? "not on the class path (this bindings jar has no library for " + NativeLibrary.platform() + ")"
                        : folder + INDEX_NAME + " names " + name + ", which the jar lacks (a broken package)");
            }
            files.put(name, bytes);
        }
        Path dir = cacheRoot.toAbsolutePath().resolve("compofa-native-" + HexFormat.of().formatHex(hashOf(files), 0, 8));
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            writeIfDifferent(dir, f.getKey(), f.getValue(), folder);
        }
        return dir.resolve(main);
    }

    /** The main file first, then every other name in the index (checked: plain file names only). */
    static List<String> names(String folder, String main, ClassLoader resources) throws IOException {
        List<String> names = new ArrayList<>(List.of(main));
        byte[] index = read(resources, folder + INDEX_NAME);
        if (index == null) {
            return names;
        }
        if (index.length > MAX_INDEX_BYTES) {
            throw new IOException(folder + INDEX_NAME + " has " + index.length + " bytes; allowed at most " + MAX_INDEX_BYTES);
        }
        for (String line : new String(index, StandardCharsets.UTF_8).split("\n")) {
            String name = line.strip();
            if (name.isEmpty() || names.contains(name)) {
                continue;
            }
            if (!SAFE_NAME.matcher(name).matches()) {
                throw new IOException(folder + INDEX_NAME + ": bad entry '" + name
                        + "' (allowed: a plain file name of letters, digits, '.', '_', '+', '-')");
            }
            if (names.size() == MAX_FILES) {
                throw new IOException(folder + INDEX_NAME + " names more than " + MAX_FILES + " files");
            }
            names.add(name);
        }
        return names;
    }

    private static byte[] read(ClassLoader resources, String resource) throws IOException {
        try (InputStream in = resources.getResourceAsStream(resource)) {
            return in == null ? null : in.readAllBytes();
        }
    }

    private static byte[] hashOf(Map<String, byte[]> files) {
        MessageDigest all = sha256();
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            all.update(f.getKey().getBytes(StandardCharsets.UTF_8));
            all.update((byte) 0);
            all.update(sha256().digest(f.getValue()));
        }
        return all.digest();
    }

    private static void writeIfDifferent(Path dir, String name, byte[] bytes, String folder) throws IOException {
        Path target = dir.resolve(name);
        if (Files.isRegularFile(target) && Files.size(target) == bytes.length
                && Arrays.equals(sha256().digest(Files.readAllBytes(target)), sha256().digest(bytes))) {
            LOG.log(Level.DEBUG, "compofa: reusing the extracted {0}", target);
            return;
        }
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, name + ".", ".tmp");
        try {
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        LOG.log(Level.DEBUG, "compofa: extracted {0} ({1} bytes) to {2}", folder + name, bytes.length, target);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
