package org.compofa.latency;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;
import org.compofa.report.AtomicFiles;
import org.compofa.space.Subnet;

/**
 * What a table build found noisy: every entry whose spread ({@link LatencyStats#spreadPercent}) was
 * above the limit, how often it was timed, and whether it stayed noisy. Written next to the table
 * as {@code <platform>.noise.txt} (not {@code .csv}: the search reads every {@code .csv} of the
 * folder as a table).
 *
 * @param platform         the table's platform name
 * @param entries          the table's entry count
 * @param maxSpreadPercent the limit an entry's spread was held to
 * @param maxRuns          timing runs allowed per entry
 * @param noisy            the entries that were above the limit at some point, in table order
 */
public record NoiseReport(String platform, int entries, double maxSpreadPercent, int maxRuns,
                          List<NoisyEntry> noisy) {
    /** First line of the file. */
    public static final String MAGIC = "# compofa latency noise v1";

    /**
     * One entry that was noisy.
     *
     * @param subnet         the subnet (with its resolution)
     * @param runs           timing runs this build took for it (resumed runs included)
     * @param spreadsPercent the spread of each result seen this build, in order (a reused entry's first);
     *                       empty when a killed build decided the entry (only its kept result is left)
     * @param kept           the result in the table: the one of least spread
     * @param stillNoisy     whether even the kept result is above the limit
     */
    public record NoisyEntry(Subnet subnet, int runs, List<Double> spreadsPercent, LatencyStats kept,
                             boolean stillNoisy) {
        /** Copies the list. */
        public NoisyEntry {
            Objects.requireNonNull(subnet, "subnet");
            Objects.requireNonNull(kept, "kept");
            spreadsPercent = List.copyOf(spreadsPercent);
        }
    }

    /** Copies the list. */
    public NoiseReport {
        noisy = List.copyOf(noisy);
    }

    /**
     * The entries that stayed above the limit after every allowed run.
     *
     * @return the noisy entries
     */
    public List<NoisyEntry> stillNoisy() {
        return noisy.stream().filter(NoisyEntry::stillNoisy).toList();
    }

    /**
     * One warning line, or empty when nothing was noisy: how many entries were re-measured, how many
     * stay noisy and the worst of them.
     *
     * @return the line, or empty
     */
    public String summary() {
        if (noisy.isEmpty()) {
            return "";
        }
        String s = String.format(Locale.ROOT, "latency %s: %d of %d entries were noisy (spread > %.0f %%) and "
                + "re-measured (at most %d runs each)", platform, noisy.size(), entries, maxSpreadPercent, maxRuns);
        List<NoisyEntry> still = stillNoisy();
        if (still.isEmpty()) {
            return s + "; all are within the limit now";
        }
        NoisyEntry worst = still.stream().max(Comparator.comparingDouble(e -> e.kept().spreadPercent()))
                .orElseThrow();
        return s + String.format(Locale.ROOT, "; %d still are (worst %s: %.0f %% at %.4g ms), so the machine is "
                        + "busy: rerun on a quiet machine (noisy entries are measured again; force re-measures all)",
                still.size(), worst.subnet().id(), worst.kept().spreadPercent(), worst.kept().medianMs());
    }

    /**
     * The file's text: magic line, the limits, a header and one row per noisy entry.
     *
     * @return the text
     */
    public String text() {
        StringBuilder sb = new StringBuilder(MAGIC).append('\n');
        sb.append("# platform=").append(platform).append('\n');
        sb.append(String.format(Locale.ROOT, "# max_spread_pct=%s%n# max_runs=%d%n# entries=%d%n# noisy=%d%n"
                + "# still_noisy=%d%n", maxSpreadPercent, maxRuns, entries, noisy.size(), stillNoisy().size()));
        sb.append("subnet,resolution,runs,spreads_pct,kept_spread_pct,kept_median_ms,still_noisy\n");
        for (NoisyEntry e : noisy) {
            sb.append(String.format(Locale.ROOT, "%s,%d,%d,%s,%.2f,%s,%s%n", e.subnet().id(), e.subnet().resolution(),
                    e.runs(), e.spreadsPercent().stream().map(v -> String.format(Locale.ROOT, "%.2f", v))
                            .collect(Collectors.joining(";")), e.kept().spreadPercent(), e.kept().medianMs(),
                    e.stillNoisy() ? "yes" : "no"));
        }
        return sb.toString();
    }

    /**
     * Writes {@link #text} to {@code file} atomically.
     *
     * @param file the file to write
     * @throws java.io.IOException if it cannot be written
     */
    public void write(Path file) throws IOException {
        AtomicFiles.write(file, text());
    }
}
