package org.compofa.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.compofa.data.Batch;
import org.compofa.data.BatchLoader;
import org.compofa.testing.MpiJob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data-parallel compound training on 2 ranks ({@code mpirun --oversubscribe -np 2}, as root with Open
 * MPI's allow-root variables; {@link DistributedTrainingMain} in each JVM), plus the sharded loader in
 * this process. Skipped where mpirun is absent or the library was built without MPI.
 */
class DistributedTrainingTest {
    @TempDir
    Path dir;

    /** Runs the main under mpirun with 2 ranks and returns its output; fails on a non-zero exit or timeout. */
    private String run(int timeoutSeconds, String... args) throws IOException, InterruptedException {
        MpiJob job = MpiJob.run(DistributedTrainingMain.class, dir.resolve("mpirun-" + args[0] + ".txt"),
                timeoutSeconds, args);
        assertEquals(0, job.exitCode(), job.output());
        return job.output();
    }

    private static String find(String output, String regex) {
        Matcher m = Pattern.compile(regex).matcher(output);
        assertTrue(m.find(), "no line matching " + regex + " in:\n" + output);
        return m.group(1);
    }

    /**
     * Two ranks' step equals one process computing both shards' gradients at the same weights,
     * averaging them and stepping once. The collective adds 2 floats (a + b == b + a exactly) and
     * scales by 1/2, as the reference does, so the only admitted difference is a kernel's summation
     * order varying between processes: at most 1e-6 of each tensor's largest weight.
     */
    @Test
    void twoRankStepEqualsTheAverageOfBothShardsInOneProcess() throws Exception {
        String out = run(60, "step");
        for (int r = 0; r < 2; r++) {
            double diff = Double.parseDouble(find(out, "rank " + r + " step maxdiff (\\S+)"));
            double moved = Double.parseDouble(find(out, "rank " + r + " step maxdiff \\S+ moved (\\S+)"));
            assertTrue(diff <= 1e-6, "rank " + r + ": weights differ from the one-process average by " + diff
                    + " of a tensor's scale:\n" + out);
            assertTrue(moved > 1e-4, "the steps changed the weights (largest change " + moved + ")");
        }
    }

    /**
     * From different initialisations per rank (rank 0's broadcast makes them equal), 12 steps leave
     * bit-identical parameters on both ranks; a run stopped after step 5 and resumed from rank 0's
     * checkpoint by fresh networks ends with the uninterrupted run's parameters, bit for bit; only
     * rank 0 wrote the log, once per row.
     */
    @Test
    void ranksStayBitIdenticalAndAResumedRunEndsWithTheUninterruptedWeights() throws Exception {
        String out = run(60, "train", dir.toString());
        String a0 = find(out, "rank 0 uninterrupted ([0-9a-f]{64}) steps 12");
        String a1 = find(out, "rank 1 uninterrupted ([0-9a-f]{64}) steps 12");
        assertEquals(a0, a1, "parameters differ across ranks:\n" + out);
        assertEquals("5", find(out, "rank 1 killed at (\\d+)"));
        String b0 = find(out, "rank 0 resumed ([0-9a-f]{64}) steps 12");
        String b1 = find(out, "rank 1 resumed ([0-9a-f]{64}) steps 12");
        assertEquals(b0, b1, "parameters differ across ranks after resume:\n" + out);
        assertEquals(a0, b0, "the resumed run ends elsewhere than the uninterrupted one:\n" + out);
        List<String> log = Files.readAllLines(dir.resolve("a/compound/log.csv"));
        assertEquals(7, log.size(), "header + a row every 2 of 12 steps: " + log);
        assertTrue(Double.parseDouble(find(out, "rank 0 uninterrupted \\S+ steps 12 loss (\\S+)")) > 0);
    }

    @Test
    void shardsOfABatchAreItsContiguousSlices() {
        BatchLoader loader = DistributedTrainingMain.loader();
        for (int index : new int[] {0, 5}) {
            Batch whole = loader.batch(1, index, 11);
            int at = 0;
            for (int rank = 0; rank < 4; rank++) {
                Batch shard = loader.batch(1, index, 11, rank, 4);
                assertEquals(whole.size() / 4, shard.size());
                for (int i = 0; i < shard.size(); i++, at++) {
                    assertEquals(whole.sourceIndices()[at], shard.sourceIndices()[i]);
                    assertEquals(whole.labels()[at], shard.labels()[i]);
                }
                int len = shard.imageLength();
                float[] expected = java.util.Arrays.copyOfRange(whole.images(), (at - shard.size()) * len, at * len);
                assertTrue(java.util.Arrays.equals(expected, shard.images()), "rank " + rank + " images");
            }
            assertEquals(whole.size(), at);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loader.batch(0, 0, 11, 0, 3));
        assertTrue(e.getMessage().contains("not a multiple of 3 ranks"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> loader.batch(0, 0, 11, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> loader.batch(0, 0, 11, 1, 1));
        assertTrue(java.util.Arrays.equals(loader.batch(0, 2, 11).images(), loader.batch(0, 2, 11, 0, 1).images()),
                "one rank's shard is the whole batch");
    }
}
