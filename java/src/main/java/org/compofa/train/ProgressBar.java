package org.compofa.train;

import java.io.Console;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A one-line progress report: {@code label done/total pct% | rate unit/s | ETA h:mm:ss | k=v ...}.
 *
 * <p>On a terminal the line is redrawn in place with {@code \r} (at most every
 * {@value #REDRAW_MILLIS} ms, and always at the end); otherwise (CI logs, files) a full line is
 * printed each time progress crosses another {@code percentStep} percent, and once at the end, so a
 * log holds a handful of readable lines instead of thousands of carriage returns. The rate is the
 * average since construction of the items done since then: items an earlier process did (given to
 * {@link #resumeAt}) show in the count but not in the rate. The ETA assumes the rate stays. Time
 * comes from an injected nanosecond clock, so tests control it. Not thread-safe: report from the
 * training thread.
 */
public final class ProgressBar implements AutoCloseable {
    /** Default line interval for non-terminal output, in percent. */
    public static final int DEFAULT_PERCENT_STEP = 10;
    /** Minimum interval between terminal redraws. */
    public static final long REDRAW_MILLIS = 100;

    private final String label;
    private final long total;
    private final String unit;
    private final PrintStream out;
    private final boolean interactive;
    private final LongSupplier nanoClock;
    private final int percentStep;
    private final long startNanos;
    private final Map<String, String> metrics = new LinkedHashMap<>();  // name -> shown value
    private long done;
    private long doneBefore;
    private long lastBucket;
    private long lastDrawNanos;
    private boolean drawnOnce;
    private boolean finished;
    private int lastWidth;

    /**
     * A bar with explicit output, mode and clock.
     *
     * @param label text in front (e.g. {@code "epoch 3/125"})
     * @param total items to do, at least 1
     * @param unit what an item is (e.g. {@code "it"}, {@code "img"})
     * @param out where to print
     * @param interactive redraw in place with {@code \r} (true) or print a line every {@code percentStep}%
     * @param nanoClock monotonic time in nanoseconds (e.g. {@code System::nanoTime})
     * @param percentStep line interval for non-interactive output, 1 to 100
     */
    public ProgressBar(String label, long total, String unit, PrintStream out, boolean interactive,
                       LongSupplier nanoClock, int percentStep) {
        if (total < 1 || percentStep < 1 || percentStep > 100) {
            throw new IllegalArgumentException("progress total " + total + ", step " + percentStep
                    + "%: need total >= 1 and step in [1, 100]");
        }
        if (label == null || unit == null || out == null || nanoClock == null) {
            throw new IllegalArgumentException("label, unit, output and clock must not be null");
        }
        this.label = label;
        this.total = total;
        this.unit = unit;
        this.out = out;
        this.interactive = interactive;
        this.nanoClock = nanoClock;
        this.percentStep = percentStep;
        this.startNanos = nanoClock.getAsLong();
    }

    /**
     * A bar on {@code System.out}, redrawing in place only when it is a terminal.
     *
     * @param label text shown before the bar
     * @param total items in the whole task
     * @param unit name of an item, shown with the rate
     * @return the new bar
     */
    public static ProgressBar onStdout(String label, long total, String unit) {
        return new ProgressBar(label, total, unit, System.out, isTerminal(), System::nanoTime, DEFAULT_PERCENT_STEP);
    }

    /**
     * Whether the JVM is attached to a terminal. Since JDK 22 {@code System.console()} may be non-null
     * with redirected output, so {@link Console#isTerminal()} is asked as well.
     *
     * @return true when stdout is a terminal
     */
    public static boolean isTerminal() {
        Console c = System.console();
        return c != null && c.isTerminal();
    }

    /**
     * Sets a metric shown after the ETA, in first-set order (e.g. {@code loss}, {@code top1}).
     *
     * @param name metric name
     * @param value metric value
     * @return this bar
     */
    public ProgressBar metric(String name, double value) {
        metrics.put(name, String.format(Locale.ROOT, "%.4g", value));
        return this;
    }

    /**
     * Sets a whole-number metric (a count such as {@code noisy}), shown without decimals.
     *
     * @param name metric name
     * @param value the count
     * @return this bar
     */
    public ProgressBar count(String name, long value) {
        metrics.put(name, Long.toString(value));
        return this;
    }

    /**
     * Starts the count at {@code alreadyDone} items that an earlier (killed) process did: they show in
     * the count and percentage but not in the rate, which counts only this process's items over this
     * process's time (otherwise a resumed run shows millions of steps per second). Call before any
     * other progress.
     *
     * @param alreadyDone items done before this process started
     * @return this bar
     * @throws IllegalStateException when progress was already reported
     * @throws IllegalArgumentException when {@code alreadyDone} is outside [0, total]
     */
    public ProgressBar resumeAt(long alreadyDone) {
        if (done != 0 || drawnOnce || lastBucket != 0) {
            throw new IllegalStateException("resumeAt must come before any progress (" + done + " done)");
        }
        if (alreadyDone < 0 || alreadyDone > total) {
            throw new IllegalArgumentException("resumed progress " + alreadyDone + " must be in [0, " + total + "]");
        }
        doneBefore = alreadyDone;
        lastBucket = alreadyDone * 100 / total / percentStep; // no line just for what was already done
        return update(alreadyDone);
    }

    /**
     * One more item done.
     *
     * @return this bar
     */
    public ProgressBar step() {
        return advance(1);
    }

    /**
     * {@code n} more items done.
     *
     * @param n items just done
     * @return this bar
     */
    public ProgressBar advance(long n) {
        return update(done + n);
    }

    /**
     * Sets the number of items done (0 to total, never decreasing) and reports if due.
     *
     * @param newDone items done in total
     * @return this bar
     */
    public ProgressBar update(long newDone) {
        if (newDone < done || newDone > total) {
            throw new IllegalArgumentException("progress " + newDone + " must be in [" + done + ", " + total + "]");
        }
        done = newDone;
        long now = nanoClock.getAsLong();
        if (interactive) {
            if (done == total || !drawnOnce || now - lastDrawNanos >= REDRAW_MILLIS * 1_000_000L) {
                redraw(now);
            }
        } else {
            long bucket = done * 100 / total / percentStep;
            if (bucket > lastBucket || (done == total && !finished)) {
                lastBucket = bucket;
                out.println(render());
                if (done == total) {
                    finished = true;
                }
            }
        }
        return this;
    }

    private void redraw(long now) {
        String line = render();
        String pad = line.length() < lastWidth ? " ".repeat(lastWidth - line.length()) : "";
        out.print("\r" + line + pad);
        out.flush();
        lastWidth = line.length();
        lastDrawNanos = now;
        drawnOnce = true;
    }

    /**
     * Items done so far.
     *
     * @return items done, 0 to total
     */
    public long done() {
        return done;
    }

    /**
     * The current line, without {@code \r} or newline.
     *
     * @return the rendered line
     */
    public String render() {
        double elapsed = (nanoClock.getAsLong() - startNanos) / 1e9;
        long doneHere = done - doneBefore;
        double rate = elapsed > 0 && doneHere > 0 ? doneHere / elapsed : Double.NaN;
        StringBuilder b = new StringBuilder();
        if (!label.isEmpty()) {
            b.append(label).append(' ');
        }
        b.append(done).append('/').append(total)
                .append(String.format(Locale.ROOT, " %5.1f%%", 100.0 * done / total))
                .append(" | ").append(formatRate(rate)).append(' ').append(unit).append("/s")
                .append(" | ETA ").append(done == total ? formatDuration(0) : formatDuration((total - done) / rate));
        metrics.forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
        return b.toString();
    }

    /** {@code 123}, {@code 45.6} or {@code 7.89} by magnitude; {@code ?} when unknown. */
    static String formatRate(double rate) {
        if (!Double.isFinite(rate)) {
            return "?";
        }
        String f = rate >= 100 ? "%.0f" : rate >= 10 ? "%.1f" : "%.2f";
        return String.format(Locale.ROOT, f, rate);
    }

    /** {@code h:mm:ss}; {@code --:--:--} when unknown. */
    static String formatDuration(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) {
            return "--:--:--";
        }
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }

    /** Prints the final state (and ends the terminal line); further calls do nothing. */
    @Override
    public void close() {
        if (interactive) {
            if (!finished) {
                redraw(nanoClock.getAsLong());
                out.println();
                out.flush();
            }
        } else if (!finished) {
            out.println(render());
        }
        finished = true;
    }
}
