package org.compofa.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Atomic writes: content, no temporary left, and the mode a normal file create gives (0666 & ~umask). */
class AtomicFilesTest {
    private static final List<PosixFilePermission> BITS = List.of(PosixFilePermission.OTHERS_EXECUTE,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ);

    /** This process's umask from {@code /proc/self/status} (Linux), or -1 when not available. */
    static int umask() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return -1;
        }
        try (Stream<String> lines = Files.lines(status)) {
            return lines.filter(l -> l.startsWith("Umask:")).map(l -> Integer.parseInt(l.substring(6).trim(), 8))
                    .findFirst().orElse(-1);
        }
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
        for (int i = 0; i < BITS.size(); i++) {
            if ((mode >> i & 1) != 0) {
                s.add(BITS.get(i));
            }
        }
        return s;
    }

    @Test
    void artifactsGetTheModeOfANormalFileCreateAndNoTemporaryIsLeft(@TempDir Path dir) throws IOException {
        byte[] data = new byte[1021];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31);
        }
        Path target = dir.resolve("sub/pareto.png");
        AtomicFiles.write(target, data);
        AtomicFiles.write(target, data); // replacing keeps the mode too
        assertArrayEquals(data, Files.readAllBytes(target));
        try (Stream<Path> s = Files.list(target.getParent())) {
            assertEquals(List.of(target), s.toList(), "only the target, no temporary sibling");
        }
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX file modes");
        int umask = umask();
        assumeTrue(umask >= 0, "umask readable from /proc/self/status");
        // Under umask 077 the expected mode is 0600 either way; any other umask tells the two apart.
        assertEquals(permissions(0666 & ~umask), Files.getPosixFilePermissions(target),
                "mode 0666 & ~umask (umask " + Integer.toOctalString(umask) + ")");
    }
}
