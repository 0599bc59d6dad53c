/**
 * Charts, atomic artifact files and the JSON text of artifacts ({@link org.compofa.report.JsonText}:
 * jackson-jr, numbers as JSON numbers, NaN and infinities as null).
 *
 * <p>{@link org.compofa.report.LineChart} (training curves, Pareto fronts, accuracy CDFs) and
 * {@link org.compofa.report.BarChart} (training cost, search time on a log axis) are drawn with
 * JFreeChart: tick units of 1, 2 or 5 times a power of ten, a marker per point on point sets and short
 * lines, the legend under the plot (never over the data), and axis ranges from the data with a 4 % margin
 * inside what each quantity can be ({@link org.compofa.report.AxisScale}: a CDF spans exactly [0, 1], a
 * latency or loss never goes below 0, a percentage never above 100).
 *
 * <p><b>Every chart is written twice</b>, {@code name.png} (900 x 560 pixels, for Markdown reports and
 * quick looks) and {@code name.svg} beside it (the same drawing as vectors with its labels as text, for
 * papers and zooming), both through {@link org.compofa.report.AtomicFiles} (temporary sibling + rename,
 * mode 0666 &amp; ~umask). Rendering is headless: {@code java.awt.headless} is set to true unless the
 * caller set it. Loading the chart classes also switches JFreeChart's rotated-text workaround off
 * (JVM-wide), so that the y axis label stays text in the SVG.
 */
package org.compofa.report;
