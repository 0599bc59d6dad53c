package org.compofa.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.compofa.bindings.CompofaCommNative;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JVMs under {@code mpirun --oversubscribe -np 2} (as root with Open MPI's allow-root variables): the
 * collectives of {@link CommunicatorMpiMain} on the CPU backend, and a rank that throws ending the job
 * within 30 s with its message. Skipped where mpirun is absent or the library was built without MPI.
 */
class CommunicatorMpiTest {
    @TempDir
    Path dir;

    private static Path mpirun() {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(d, "mpirun");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    private record Job(int exitCode, String output, long millis) {}

    private Job run(String mode, int timeoutSeconds) throws IOException, InterruptedException {
        Path mpirun = mpirun();
        assumeTrue(mpirun != null, "mpirun not on PATH (apt-get install openmpi-bin)");
        assumeTrue(CompofaCommNative.available()[0], "libcompofa built without MPI: " + CompofaCommNative.describe());
        List<String> cmd = new ArrayList<>(List.of(mpirun.toString(), "--oversubscribe", "-np", "2",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path")));
        for (String property : List.of("compofa.library.path", "java.io.tmpdir")) {
            if (System.getProperty(property) != null) {
                cmd.add("-D" + property + "=" + System.getProperty(property));
            }
        }
        cmd.addAll(List.of(CommunicatorMpiMain.class.getName(), mode));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("out.txt").toFile());
        pb.environment().put("OMPI_ALLOW_RUN_AS_ROOT", "1");
        pb.environment().put("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1");
        long start = System.nanoTime();
        Process p = pb.start();
        boolean done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        long millis = (System.nanoTime() - start) / 1_000_000;
        if (!done) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        String out = Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8);
        assertTrue(done, "mpirun " + mode + " did not end within " + timeoutSeconds + " s:\n" + out);
        return new Job(p.exitValue(), out, millis);
    }

    @Test
    void twoRanksAllReduceAndBroadcastMatchTheNaiveSumBitForBit() throws Exception {
        Job job = run("collectives", 90);
        assertEquals(0, job.exitCode(), job.output());
        for (int r = 0; r < 2; r++) {
            // 3 sizes x 2 ops x 3 checks + 3 sizes x 2 roots
            assertTrue(job.output().contains("rank " + r + " size 2 local " + r + " transport MPI"), job.output());
            assertTrue(job.output().contains("rank " + r + " ok 24"), job.output());
        }
        assertTrue(!job.output().contains("MISMATCH"), job.output());
    }

    @Test
    void aRankThatThrowsEndsTheJobWithItsMessage() throws Exception {
        Job job = run("throws", 30);
        assertNotEquals(0, job.exitCode(), job.output());
        assertTrue(job.output().contains("rank 1 fails on purpose"), job.output());
        assertTrue(job.output().contains("aborts the job"), job.output());
        assertTrue(!job.output().contains("MISMATCH"), job.output());
    }
}
