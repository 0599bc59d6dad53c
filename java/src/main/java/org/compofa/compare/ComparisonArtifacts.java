package org.compofa.compare;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.compofa.latency.BlockLatencyTable;
import org.compofa.latency.LatencyTable;
import org.compofa.search.AccuracyTable;
import org.compofa.space.MobileNetV3Geometry;
import org.compofa.space.ResolutionSet;
import org.compofa.space.SearchSpace;

/**
 * Everything a finished comparison wrote, read back from {@code <run>/compare/}: the report is made
 * from this alone, so its numbers can be re-derived from the files.
 *
 * @param settings       the run's settings
 * @param costs          training cost by method ({@code teacher}, {@code compofa}, {@code ofa})
 * @param compofa        top-1 of every compound subnet in the CompOFA supernet
 * @param compofaInOfa   top-1 of the same subnets in the OFA supernet
 * @param ofaRandom      top-1 of random OFA subnets in the OFA supernet
 * @param latency        the compound subnets' latency table by platform, platforms in settings order
 * @param blockLatency   OFA's per-block latency lookup table by platform
 * @param searches       search outcomes by platform, then by method (exact, CompOFA evolution, OFA evolution)
 * @param predictorCheck the predictor's measured and predicted top-1 on its training and held-out subnets
 * @param stepSeconds    wall seconds of the non-training steps
 */
record ComparisonArtifacts(RunDescription settings, Map<String, TrainingCost> costs, AccuracyTable compofa,
                                  AccuracyTable compofaInOfa, AccuracyTable ofaRandom,
                                  Map<String, LatencyTable> latency, Map<String, BlockLatencyTable> blockLatency,
                                  Map<String, Map<String, SearchOutcome>> searches,
                                  List<PredictorPoint> predictorCheck, Map<String, Double> stepSeconds) {
    /** Training methods in report order. */
    static final List<String> METHODS = List.of("teacher", "compofa", "ofa");
    /** Search methods in report order. */
    static final List<String> SEARCH_METHODS = List.of(ArtifactNames.COMPOFA_EXACT,
            ArtifactNames.COMPOFA_EVOLUTION, ArtifactNames.OFA_EVOLUTION);

    /**
     * One row of {@code predictor-check.csv}.
     *
     * @param set       {@code train} (a random OFA subnet it was fitted on) or {@code compound} (held out)
     * @param subnet    the subnet id
     * @param measured  measured top-1 (%)
     * @param predicted predicted top-1 (%)
     */
    record PredictorPoint(String set, String subnet, double measured, double predicted) {
    }

    /** The platforms, in settings order. */
    List<String> platforms() {
        return List.copyOf(latency.keySet());
    }

    /**
     * Reads every artifact of a finished comparison.
     *
     * @throws IOException naming the first file that is missing or malformed
     */
    static ComparisonArtifacts read(Path dir) throws IOException {
        RunDescription settings = RunDescription.read(dir.resolve(ArtifactNames.SETTINGS));
        double width = Double.parseDouble(settings.get("width"));
        ResolutionSet res = ResolutionSet.parseTag(settings.get("search_resolutions"));
        SearchSpace compofaSpace = Comparison.compOfaSpace(width, res);
        SearchSpace ofaSpace = Comparison.ofaSpace(width, res);
        Map<String, TrainingCost> costs = new LinkedHashMap<>();
        for (String m : METHODS) {
            costs.put(m, TrainingCost.read(dir.resolve(ArtifactNames.cost(m))));
        }
        Map<String, LatencyTable> latency = new LinkedHashMap<>();
        Map<String, BlockLatencyTable> blocks = new LinkedHashMap<>();
        MobileNetV3Geometry geometry = MobileNetV3Geometry.smallInput(width,
                Integer.parseInt(settings.get("image_channels")), Integer.parseInt(settings.get("classes")));
        Map<String, Map<String, SearchOutcome>> searches = new LinkedHashMap<>();
        for (String p : settings.get("platforms").split(" ")) {
            latency.put(p, LatencyTable.read(dir.resolve(ArtifactNames.latency(p)), compofaSpace));
            blocks.put(p, BlockLatencyTable.read(dir.resolve(ArtifactNames.blockLatency(p)), geometry));
            Map<String, SearchOutcome> byMethod = new LinkedHashMap<>();
            for (String m : SEARCH_METHODS) {
                SearchSpace space = m.equals(ArtifactNames.OFA_EVOLUTION) ? ofaSpace : compofaSpace;
                byMethod.put(m, SearchOutcome.read(dir.resolve(ArtifactNames.search(m, p)), space));
            }
            searches.put(p, byMethod);
        }
        return new ComparisonArtifacts(settings, costs,
                AccuracyTable.read(dir.resolve(ArtifactNames.ACCURACY_COMPOFA), compofaSpace),
                AccuracyTable.read(dir.resolve(ArtifactNames.ACCURACY_COMPOFA_IN_OFA), compofaSpace),
                AccuracyTable.read(dir.resolve(ArtifactNames.ACCURACY_OFA_RANDOM), ofaSpace), latency, blocks, searches,
                readPredictorCheck(dir.resolve(ArtifactNames.PREDICTOR_CHECK)),
                StepTimes.open(dir.resolve(ArtifactNames.STEP_SECONDS)).all());
    }

    private static List<PredictorPoint> readPredictorCheck(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no predictor check file");
        }
        List<String> lines = Files.readString(file, StandardCharsets.UTF_8).lines().toList();
        List<PredictorPoint> out = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",", -1);
            try {
                out.add(new PredictorPoint(f[0], f[1], Double.parseDouble(f[2]), Double.parseDouble(f[3])));
            } catch (RuntimeException e) {
                throw new IOException(file + ":" + (i + 1) + ": expected set,subnet,measured,predicted", e);
            }
        }
        return out;
    }
}
