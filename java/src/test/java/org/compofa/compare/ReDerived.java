package org.compofa.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The report's headline numbers computed again from the raw artifact files with plain string
 * parsing, independently of the classes that wrote and read them.
 */
final class ReDerived {
    double compofaSeconds;
    double ofaSeconds;
    long compofaSteps;
    long ofaSteps;
    double compofaMean;
    double ofaRandomMean;
    double pairedDifference;
    double frontDifference;
    double frontNoise;
    double exactMs;
    double compofaEvolutionMs;
    double ofaEvolutionMs;
    Map<String, String> summary = new HashMap<>();

    static ReDerived from(Path dir) throws IOException {
        ReDerived d = new ReDerived();
        double[] compofa = costTotals(dir.resolve("cost-compofa.csv"));
        double[] ofa = costTotals(dir.resolve("cost-ofa.csv"));
        d.compofaSeconds = compofa[0];
        d.compofaSteps = (long) compofa[1];
        d.ofaSeconds = ofa[0];
        d.ofaSteps = (long) ofa[1];
        Map<String, Double> inCompofa = accuracies(dir.resolve("accuracy-compofa.csv"));
        Map<String, Double> inOfa = accuracies(dir.resolve("accuracy-compofa-in-ofa.csv"));
        d.compofaMean = mean(inCompofa.values().stream().mapToDouble(Double::doubleValue).toArray());
        d.ofaRandomMean = mean(accuracies(dir.resolve("accuracy-ofa-random.csv")).values().stream()
                .mapToDouble(Double::doubleValue).toArray());
        d.pairedDifference = mean(inCompofa.keySet().stream().mapToDouble(k -> inCompofa.get(k) - inOfa.get(k))
                .toArray());
        List<String[]> exact = searchRows(dir.resolve("search-compofa-exact-cpu-b1.csv"));
        List<String[]> ofaFound = searchRows(dir.resolve("search-ofa-evolution-cpu-b1.csv"));
        double sum = 0;
        int n = 0;
        for (int i = 0; i < exact.size(); i++) {
            if (!ofaFound.get(i)[1].equals("none")) {
                sum += Double.parseDouble(exact.get(i)[2]) - Double.parseDouble(ofaFound.get(i)[2]);
                n++;
            }
        }
        d.frontDifference = sum / n;
        d.exactMs = setupMs(dir.resolve("search-compofa-exact-cpu-b1.csv")) + column(exact, 6);
        d.compofaEvolutionMs = column(searchRows(dir.resolve("search-compofa-evolution-cpu-b1.csv")), 6);
        d.ofaEvolutionMs = column(ofaFound, 6);
        for (String line : Files.readAllLines(dir.resolve("summary.csv")).subList(1, Files.readAllLines(
                dir.resolve("summary.csv")).size())) {
            int c = line.indexOf(',');
            d.summary.put(line.substring(0, c), line.substring(c + 1));
        }
        int testImages = Integer.parseInt(d.summary.get("setting.test_images"));
        double p = d.compofaMean / 100;
        d.frontNoise = 1.96 * Math.sqrt(2 * p * (1 - p) / testImages) * 100;
        return d;
    }

    /** {wall seconds, subnet-steps} summed over a cost file's phase rows (after magic, method, header). */
    private static double[] costTotals(Path file) throws IOException {
        double wall = 0;
        double steps = 0;
        List<String> lines = Files.readAllLines(file);
        for (String line : lines.subList(3, lines.size())) {
            String[] f = line.split(",");
            steps += Long.parseLong(f[5]);
            wall += Double.parseDouble(f[6]);
        }
        return new double[] {wall, steps};
    }

    /** subnet id to top-1 of an accuracy table (the rows after its column header). */
    private static Map<String, Double> accuracies(Path file) throws IOException {
        Map<String, Double> m = new HashMap<>();
        List<String> lines = Files.readAllLines(file);
        for (String line : lines.subList(lines.indexOf("subnet,resolution,top1") + 1, lines.size())) {
            String[] f = line.split(",");
            m.put(f[0], Double.parseDouble(f[2]));
        }
        return m;
    }

    private static List<String[]> searchRows(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        return lines.subList(6, lines.size()).stream().map(l -> l.split(",")).toList();
    }

    private static double setupMs(Path file) throws IOException {
        return Files.readAllLines(file).stream().filter(l -> l.startsWith("# setup_ms=")).mapToDouble(l ->
                Double.parseDouble(l.substring("# setup_ms=".length()))).findFirst().orElseThrow();
    }

    private static double column(List<String[]> rows, int c) {
        return rows.stream().mapToDouble(r -> Double.parseDouble(r[c])).sum();
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }
}
