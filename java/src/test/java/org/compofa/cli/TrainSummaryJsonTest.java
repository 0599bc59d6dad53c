package org.compofa.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train's summary.json: keys escaped, numbers as JSON numbers, a NaN accuracy as null. */
class TrainSummaryJsonTest {
    @Test
    void summaryRoundTripsThroughAJsonReader(@TempDir Path dir) throws IOException {
        SplittableRandom rnd = new SplittableRandom(29);
        Map<String, Object> summary = new LinkedHashMap<>();
        String oddKey = "top1 d2-\"k\"\\e \u00e9\u4e2d";
        double seconds = rnd.nextDouble() * 1e3;
        long steps = rnd.nextLong(1L << 40);
        summary.put("teacher_seconds", seconds);
        summary.put("compound_subnet_steps", steps);
        summary.put(oddKey, rnd.nextDouble() * 100);
        summary.put("top1 diverged", Double.NaN);
        TrainCommand.writeSummaryFiles(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), dir,
                summary, System.nanoTime());
        Map<String, Object> back = JSON.std.mapFrom(Files.readString(dir.resolve("summary.json")));
        assertEquals(seconds, ((Number) back.get("teacher_seconds")).doubleValue());
        assertEquals(steps, ((Number) back.get("compound_subnet_steps")).longValue());
        assertEquals((Double) summary.get(oddKey), ((Number) back.get(oddKey)).doubleValue());
        assertTrue(back.containsKey("top1 diverged"));
        assertNull(back.get("top1 diverged"));
        assertTrue(back.get("command_seconds") instanceof Number, "" + back.get("command_seconds"));
    }
}
