package org.compofa.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Progress line formatting, rate/ETA from an injected clock, terminal vs log output. Pure Java. */
class ProgressBarTest {
    private static final long SECOND = 1_000_000_000L;
    private final AtomicLong clock = new AtomicLong(5 * SECOND);
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private ProgressBar bar(long total, boolean interactive, int step) {
        return new ProgressBar("epoch 3/125", total, "img", out, interactive, clock::get, step);
    }

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void lineShowsCountPercentRateEtaAndMetrics() {
        ProgressBar p = bar(1000, false, 100);
        clock.addAndGet(2 * SECOND);
        p.metric("loss", 2.34567).metric("top1", 0.5).count("skipped", 2).update(250);
        assertEquals("epoch 3/125 250/1000  25.0% | 125 img/s | ETA 0:00:06 loss=2.346 top1=0.5000 skipped=2",
                p.render());
        clock.addAndGet(3 * SECOND);
        p.update(260); // 260 items in 5 s: 52 img/s, 740 left: 14.2 s
        assertEquals("epoch 3/125 260/1000  26.0% | 52.0 img/s | ETA 0:00:14 loss=2.346 top1=0.5000 skipped=2",
                p.render());
    }

    @Test
    void aResumedBarRatesOnlyThisProcesssItemsOverThisProcesssTime() {
        ProgressBar p = bar(100_000, false, 10);
        p.resumeAt(60_000); // done by a killed process; no line printed for it
        assertEquals("", printed());
        clock.addAndGet(4 * SECOND);
        p.update(60_020); // 20 steps here in 4 s: 5/s, not 15005/s; 39980 left at 5/s
        assertEquals("epoch 3/125 60020/100000  60.0% | 5.00 img/s | ETA 2:13:16", p.render());
        clock.addAndGet(SECOND);
        p.update(70_000); // crosses 70 %: one line
        assertTrue(printed().startsWith("epoch 3/125 70000/100000  70.0% | 2000 img/s |"), printed());
        assertThrows(IllegalStateException.class, () -> p.resumeAt(10), "only before any progress");
        assertThrows(IllegalArgumentException.class, () -> bar(10, false, 10).resumeAt(11));
    }

    @Test
    void rateAndDurationFormats() {
        assertEquals("7.89", ProgressBar.formatRate(7.891));
        assertEquals("45.7", ProgressBar.formatRate(45.67));
        assertEquals("1234", ProgressBar.formatRate(1234.4));
        assertEquals("?", ProgressBar.formatRate(Double.NaN));
        assertEquals("1:02:05", ProgressBar.formatDuration(3725));
        assertEquals("100:00:00", ProgressBar.formatDuration(360_000));
        assertEquals("--:--:--", ProgressBar.formatDuration(Double.POSITIVE_INFINITY));
    }

    @Test
    void beforeAnyTimePassesRateAndEtaAreUnknown() {
        ProgressBar p = bar(10, false, 10);
        assertEquals("epoch 3/125 0/10   0.0% | ? img/s | ETA --:--:--", p.render());
        p.update(10);
        assertTrue(p.render().endsWith("| ETA 0:00:00"), p.render());
    }

    @Test
    void logOutputPrintsOneLineEveryStepPercent() {
        try (ProgressBar p = bar(100, false, 25)) {
            for (int i = 0; i < 100; i++) {
                clock.addAndGet(SECOND / 10);
                p.step();
            }
        }
        String[] lines = printed().split("\n");
        assertEquals(4, lines.length, printed());
        assertTrue(lines[0].startsWith("epoch 3/125 25/100  25.0% | 10.0 img/s | ETA 0:00:08"), lines[0]);
        assertTrue(lines[3].startsWith("epoch 3/125 100/100 100.0%"), lines[3]);
        assertFalse(printed().contains("\r"));
    }

    @Test
    void logOutputEndsWithTheFinalStateWhenClosedEarly() {
        ProgressBar p = bar(1021, false, 10);
        p.update(50);
        p.close();
        p.close();
        assertEquals(1, printed().split("\n").length, printed());
        assertTrue(printed().startsWith("epoch 3/125 50/1021"), printed());
    }

    @Test
    void terminalOutputRedrawsInPlaceAtMostEveryHundredMillis() {
        ProgressBar p = bar(1000, true, 10);
        p.update(1);
        clock.addAndGet(SECOND / 20);
        p.update(2); // 50 ms later: not redrawn
        assertEquals(1, count(printed(), '\r'));
        clock.addAndGet(SECOND / 10);
        p.metric("loss", 1.5).update(3);
        assertEquals(2, count(printed(), '\r'));
        p.update(1000); // the end is always drawn
        p.close();
        assertTrue(printed().endsWith(System.lineSeparator()), "the line is ended on close");
        assertTrue(printed().contains("\repoch 3/125 1000/1000 100.0%"), printed());
    }

    @Test
    void aShorterLineBlanksTheRestOfTheLongerOne() {
        ProgressBar p = bar(10, true, 10);
        p.metric("x", 123456.0).update(1);
        String first = printed();
        assertTrue(first.endsWith(" x=1.235e+05"), first);
        clock.addAndGet(SECOND);
        p.metric("x", 1.0).update(2);
        String second = printed().substring(first.length());
        // "?" -> "2.00", "--:--:--" -> "0:00:04", "1.235e+05" -> "1.000": two characters shorter
        assertTrue(second.startsWith("\r") && second.endsWith(" x=1.000  "), "'" + second + "'");
        assertEquals(first.length(), second.length(), "same width: the old tail is blanked");
    }

    @Test
    void invalidProgressIsRejected() {
        ProgressBar p = bar(10, false, 10);
        p.update(5);
        assertThrows(IllegalArgumentException.class, () -> p.update(4));
        assertThrows(IllegalArgumentException.class, () -> p.update(11));
        assertThrows(IllegalArgumentException.class, () -> bar(0, false, 10));
        assertThrows(IllegalArgumentException.class, () -> bar(10, false, 0));
    }

    private static int count(String s, char c) {
        return (int) s.chars().filter(x -> x == c).count();
    }
}
