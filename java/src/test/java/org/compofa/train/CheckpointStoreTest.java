package org.compofa.train;

import static org.compofa.train.CheckpointFixtures.assertSameCheckpoint;
import static org.compofa.train.CheckpointFixtures.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.compofa.train.CheckpointException.Reason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rotation, fallback past corrupt files, crash leftovers and exact resumption. Pure Java. */
class CheckpointStoreTest {
    @TempDir
    Path dir;

    private final Logger jul = Logger.getLogger(CheckpointStore.class.getName());
    private final List<String> warnings = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            warnings.add(r.getLevel() + " " + new SimpleFormatter().formatMessage(r));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLog() {
        jul.addHandler(capture);
    }

    @AfterEach
    void releaseLog() {
        jul.removeHandler(capture);
    }

    @Test
    void rotationKeepsTheNewestK() throws IOException {
        CheckpointStore store = new CheckpointStore(dir, "compofa-phase2", 3);
        assertTrue(store.latest().isEmpty());
        for (long step : new long[] {10, 20, 30, 40, 50}) {
            assertEquals(store.pathFor(step), store.save(sample(step, 33)));
        }
        assertEquals(List.of(store.pathFor(50), store.pathFor(40), store.pathFor(30)), store.list());
        assertEquals("compofa-phase2-000000000050.ckpt", store.pathFor(50).getFileName().toString());
        assertSameCheckpoint(sample(50, 33), store.latest().orElseThrow().checkpoint());
        assertEquals(3, Files.list(dir).count());
    }

    @Test
    void corruptNewestFallsBackToThePreviousWithAWarning() throws IOException {
        CheckpointStore store = new CheckpointStore(dir, "run", 3);
        store.save(sample(100, 33));
        Path newest = store.save(sample(200, 33));
        CheckpointFixtures.flipByte(newest, Files.size(newest) - 100);

        LoadedCheckpoint loaded = store.latest().orElseThrow();
        assertEquals(store.pathFor(100), loaded.file());
        assertSameCheckpoint(sample(100, 33), loaded.checkpoint());
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("WARNING skipped checkpoint " + newest), warnings.get(0));
        assertTrue(warnings.get(0).contains("checksum mismatch"), warnings.get(0));
        assertFalse(Files.exists(newest), "moved out of the rotation");
        assertTrue(Files.exists(newest.resolveSibling(newest.getFileName() + CheckpointStore.CORRUPT_SUFFIX)));
        assertEquals(List.of(store.pathFor(100)), store.list());

        // The resumed run saves a lower step than the corrupt one; that is now the latest.
        store.save(sample(150, 33));
        assertEquals(store.pathFor(150), store.latest().orElseThrow().file());
    }

    @Test
    void truncatedNewestFallsBackToo() throws IOException {
        CheckpointStore store = new CheckpointStore(dir, "run", 2);
        store.save(sample(1, 1021));
        Path newest = store.save(sample(2, 1021));
        CheckpointFixtures.truncate(newest, Files.size(newest) / 3);
        assertEquals(store.pathFor(1), store.latest().orElseThrow().file());
        assertTrue(warnings.get(0).contains("truncated"), warnings.toString());
    }

    @Test
    void whenNothingVerifiesTheErrorIsTypedAndFilesStay() throws IOException {
        CheckpointStore store = new CheckpointStore(dir, "run", 2);
        Path a = store.save(sample(1, 33));
        Path b = store.save(sample(2, 33));
        CheckpointFixtures.flipByte(a, 40);
        CheckpointFixtures.truncate(b, 30);
        var e = assertThrows(CheckpointException.class, store::latest);
        assertEquals(Reason.NO_VALID_CHECKPOINT, e.reason());
        assertEquals(dir, e.file());
        assertEquals(Reason.TRUNCATED, ((CheckpointException) e.getCause()).reason());
        assertEquals(1, e.getSuppressed().length);
        assertEquals(List.of(b, a), store.list(), "nothing is moved when there is nothing to fall back to");
    }

    @Test
    void aCrashDuringSaveLeavesTheLatestLoadableAndItsLeftoverIsCleaned() throws IOException {
        CheckpointStore store = new CheckpointStore(dir, "run", 3);
        store.save(sample(7, 33));
        Path leftover = dir.resolve(".run-000000000008.ckpt.123456" + CheckpointFile.TEMP_SUFFIX);
        Files.write(leftover, new byte[] {'C', 'M', 'P', 'F'}); // the process died mid-write
        assertEquals(store.pathFor(7), store.latest().orElseThrow().file());
        new CheckpointStore(dir, "run", 3);
        assertFalse(Files.exists(leftover), "reopening removes the interrupted write's temporary file");
    }

    @Test
    void resumingFromACheckpointRepeatsTheUninterruptedRun() throws IOException {
        int nBatch = 7;
        LearningRateSchedule schedule = new LearningRateSchedule(4, 1, 0.24, 0.03, nBatch);
        List<String> uninterrupted = trace(RunState.start(99), schedule, nBatch, schedule.totalSteps());

        CheckpointStore store = new CheckpointStore(dir, "run", 2);
        RunState s = RunState.start(99);
        List<String> resumed = new ArrayList<>(trace(s, schedule, nBatch, 12));
        for (int i = 0; i < 12; i++) {
            s = s.advance(nBatch);
        }
        Checkpoint ck = sample(1, 3);
        store.save(new Checkpoint(ck.runId(), ck.spaceId(), s, ck.config(), ck.attributes(), ck.arrays()));
        RunState restored = store.latest().orElseThrow().checkpoint().state();
        assertEquals(s, restored);
        resumed.addAll(trace(restored, schedule, nBatch, schedule.totalSteps() - 12));
        assertEquals(uninterrupted, resumed);
    }

    /** (epoch, batch, lr, subnet seeds) of {@code steps} steps from {@code s}. */
    private static List<String> trace(RunState s, LearningRateSchedule lr, int nBatch, long steps) {
        List<String> out = new ArrayList<>();
        for (long i = 0; i < steps; i++) {
            out.add(s.epoch() + "/" + s.batchIndex() + " lr=" + lr.lr(s.epoch(), s.batchIndex()) + " seeds="
                    + s.subnetSeed(0) + "," + s.subnetSeed(1) + "," + s.subnetSeed(2) + "," + s.subnetSeed(3));
            s = s.advance(nBatch);
        }
        return out;
    }

    @Test
    void runStateAdvancesAcrossEpochsAndSeedsDiffer() {
        RunState s = RunState.start(5).advance(3).advance(3).advance(3);
        assertEquals(new RunState(1, 0, 3, 5, new long[0]), s);
        assertTrue(s.subnetSeed(0) != s.subnetSeed(1));
        assertTrue(s.subnetSeed(0) != s.advance(3).subnetSeed(0));
        assertTrue(s.subnetSeed(0) != RunState.start(6).advance(3).advance(3).advance(3).subnetSeed(0));
        assertThrows(IllegalArgumentException.class, () -> new RunState(0, 3, 0, 0, null).advance(3));
    }
}
