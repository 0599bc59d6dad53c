package org.compofa.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** summary.json: text escaped, numbers as JSON numbers, NaN and infinities as null, order kept. */
class ComparisonSummaryJsonTest {
    @Test
    void textRoundTripsAndNumbersStayNumbers() throws IOException {
        SplittableRandom rnd = new SplittableRandom(17);
        Map<String, String> summary = new LinkedHashMap<>();
        String text = "a \"quoted\" C:\\path, tab\t \u00e9\u4e2d \u0001";
        summary.put("setting.note \"x\"", text);
        summary.put("training.teacher_seconds", Double.toString(rnd.nextDouble() * 1e4));
        summary.put("training.ofa_subnet_steps", Long.toString(rnd.nextLong(1L << 40)));
        summary.put("tiny", Double.toString(rnd.nextDouble() * 1e-7));
        summary.put("nan", Double.toString(Double.NaN));
        summary.put("inf", Double.toString(Double.NEGATIVE_INFINITY));
        summary.put("word", "true");
        Map<String, Object> back = JSON.std.mapFrom(ComparisonReport.summaryJson(summary));
        assertEquals(List.copyOf(summary.keySet()), List.copyOf(back.keySet()));
        assertEquals(text, back.get("setting.note \"x\""));
        assertEquals(Double.parseDouble(summary.get("training.teacher_seconds")),
                ((Number) back.get("training.teacher_seconds")).doubleValue());
        assertEquals(Long.parseLong(summary.get("training.ofa_subnet_steps")),
                ((Number) back.get("training.ofa_subnet_steps")).longValue());
        assertEquals(Double.parseDouble(summary.get("tiny")), ((Number) back.get("tiny")).doubleValue());
        assertTrue(back.containsKey("nan") && back.containsKey("inf"), "non-finite keys kept");
        assertNull(back.get("nan"));
        assertNull(back.get("inf"));
        assertEquals("true", back.get("word"));
    }
}
