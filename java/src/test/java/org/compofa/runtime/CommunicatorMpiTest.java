package org.compofa.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.compofa.testing.MpiJob;
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

    private MpiJob run(String mode, int timeoutSeconds) throws IOException, InterruptedException {
        return MpiJob.run(CommunicatorMpiMain.class, dir.resolve("out.txt"), timeoutSeconds, mode);
    }

    @Test
    void twoRanksAllReduceAndBroadcastMatchTheNaiveSumBitForBit() throws Exception {
        MpiJob job = run("collectives", 90);
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
        MpiJob job = run("throws", 30);
        assertNotEquals(0, job.exitCode(), job.output());
        assertTrue(job.output().contains("rank 1 fails on purpose"), job.output());
        assertTrue(job.output().contains("aborts the job"), job.output());
        assertTrue(!job.output().contains("MISMATCH"), job.output());
    }
}
