package org.compofa.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.compofa.testing.MpiJob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mpirun -np 2 compofa train ...} as a user runs it (the CLI's main in each rank, CPU backend, an
 * RGB folder): the teacher, then compound training with synchronised BN; rank 0 alone writes the log
 * and the summary, the run resumes as a finished one. Skipped without mpirun or an MPI build.
 */
class DistributedTrainCommandTest {
    @Test
    void teacherAndCompoundTrainOnTwoRanksThroughTheCli(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        OwnDataTrainingTest.makeFolder(data.resolve("train"), 6, 11);
        OwnDataTrainingTest.makeFolder(data.resolve("val"), 2, 12);
        String run = dir.resolve("run").toString();
        List<String> common = List.of("--out", run, "--data", data.toString(), "--width", "0.25", "--resolutions",
                "32", "--batch", "6", "--backend", "cpu", "--threads", "1");
        MpiJob teacher = MpiJob.run(Main.class, dir.resolve("teacher.txt"), 240,
                OwnDataTrainingTest.args(List.of("train", "teacher", "--teacher-epochs", "1"), common));
        assertEquals(0, teacher.exitCode(), teacher.output());
        assertTrue(teacher.output().contains("data-parallel training on 2 ranks (MPI, CPU)"), teacher.output());
        MpiJob compound = MpiJob.run(Main.class, dir.resolve("compound.txt"), 240,
                OwnDataTrainingTest.args(List.of("train", "compound", "--compound-epochs", "2", "--sync-bn"), common));
        assertEquals(0, compound.exitCode(), compound.output());
        assertTrue(compound.output().contains("2 ranks (MPI, CPU, synchronised BN)"), compound.output());
        assertTrue(compound.output().matches("(?s).*on 2 ranks: \\S+ s averaging gradients of \\S+ s.*"),
                compound.output());
        assertEquals(1, count(compound.output(), "summary written to"), "rank 0 alone writes the summary");
        assertTrue(Files.isRegularFile(Path.of(run, "summary.json")));
        assertTrue(Files.readAllLines(Path.of(run, "teacher", "teacher", "log.csv")).size() > 1);
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            n++;
        }
        return n;
    }
}
