package org.compofa.report;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file through a temporary sibling and an atomic rename, so readers never see half a file.
 *
 * <p>The temporary file is created the way any new file is ({@code open(O_CREAT|O_EXCL, 0666)}, so
 * the umask applies: usually mode 0644), not with {@code Files.createTempFile}, whose owner-only
 * mode 0600 would stick to the artifact after the rename.
 */
public final class AtomicFiles {
    /** Suffix of the temporary siblings (a crashed writer may leave one behind). */
    public static final String TEMP_SUFFIX = ".part";
    private static final int NAME_TRIES = 16;

    private AtomicFiles() {
    }

    /** Writes a file's content to a stream (which the caller of {@link #write(Path, Content)} closes). */
    @FunctionalInterface
    public interface Content {
        /**
         * Writes everything to {@code out}; an exception leaves the target untouched.
         *
         * @param out the buffered stream of the temporary file
         * @throws java.io.IOException to abandon the write
         */
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Replaces {@code target} with {@code data} atomically (creating parent directories).
     *
     * @param target the file to replace
     * @param data its new bytes
     * @throws java.io.IOException if it cannot be written or renamed
     */
    public static void write(Path target, byte[] data) throws IOException {
        write(target, out -> out.write(data));
    }

    /**
     * Replaces {@code target} atomically with what {@code content} writes to a buffered stream
     * (creating parent directories): for files too large to build in memory first.
     *
     * @param target the file to replace
     * @param content writes the new contents
     * @throws java.io.IOException if it cannot be written or renamed, or content throws
     */
    public static void write(Path target, Content content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = createSibling(dir, target.getFileName().toString());
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp, StandardOpenOption.WRITE),
                    1 << 16)) {
                content.writeTo(out);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * {@link #write(Path, byte[])} of UTF-8 text.
     *
     * @param target the file to replace
     * @param text its new contents
     * @throws java.io.IOException if it cannot be written or renamed
     */
    public static void write(Path target, CharSequence text) throws IOException {
        write(target, text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** A new empty file {@code .<name>.<random>.part} in {@code dir}, with the default (umask) mode. */
    private static Path createSibling(Path dir, String name) throws IOException {
        FileAlreadyExistsException last = null;
        for (int i = 0; i < NAME_TRIES; i++) {
            Path tmp = dir.resolve("." + name + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()
                    & Long.MAX_VALUE) + TEMP_SUFFIX);
            try {
                Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return tmp;
            } catch (FileAlreadyExistsException e) {
                last = e;
            }
        }
        throw new IOException("cannot create a temporary file next to " + dir.resolve(name) + " in " + NAME_TRIES
                + " tries", last);
    }
}
