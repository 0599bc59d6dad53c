package org.compofa.compare;

/** File names of the comparison's artifacts inside {@code <run>/compare/}, in one place. */
final class ArtifactNames {
    static final String SETTINGS = "settings.csv";
    static final String STEP_SECONDS = "step-seconds.csv";
    static final String ACCURACY_COMPOFA = "accuracy-compofa.csv";
    static final String ACCURACY_COMPOFA_IN_OFA = "accuracy-compofa-in-ofa.csv";
    static final String ACCURACY_OFA_RANDOM = "accuracy-ofa-random.csv";
    static final String PREDICTOR = "predictor-ofa.bin";
    static final String PREDICTOR_CHECK = "predictor-check.csv";
    static final String REPORT = "report.md";
    static final String SUMMARY_JSON = "summary.json";
    static final String SUMMARY_CSV = "summary.csv";
    static final String CDF_PNG = "accuracy-cdf.png";
    static final String COST_PNG = "training-cost.png";
    static final String SEARCH_TIME_PNG = "search-time.png";
    /** Search methods, in report order. */
    static final String COMPOFA_EXACT = "compofa-exact";
    static final String COMPOFA_EVOLUTION = "compofa-evolution";
    static final String OFA_EVOLUTION = "ofa-evolution";

    private ArtifactNames() {
    }

    static String cost(String method) {
        return "cost-" + method + ".csv";
    }

    static String latency(String platform) {
        return "latency-" + platform + ".csv";
    }

    static String blockLatency(String platform) {
        return "block-latency-" + platform + ".csv";
    }

    static String search(String method, String platform) {
        return "search-" + method + "-" + platform + ".csv";
    }

    static String paretoPng(String platform) {
        return "pareto-" + platform + ".png";
    }

    /** {@code name.csv} without its extension. */
    static String stem(String csv) {
        return csv.endsWith(".csv") ? csv.substring(0, csv.length() - 4) : csv;
    }

    /** Where a resumable step appends its rows. */
    static String partial(String csv) {
        return stem(csv) + ".partial.csv";
    }
}
