package org.compofa.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.function.IntFunction;
import org.compofa.data.Dataset;
import org.compofa.data.LoaderConfig;
import org.compofa.nn.Network;
import org.compofa.runtime.ComputeContext;
import org.compofa.space.ResolutionSet;
import org.compofa.space.SearchSpace;
import picocli.CommandLine.Model.CommandSpec;

/**
 * A run directory as the post-training commands ({@code latency}, {@code evaluate}, {@code search},
 * {@code export}) see it: where its outputs go, its search space and resolutions, its supernet and
 * the data to recalibrate and evaluate on. Two kinds, chosen by what the directory holds: an
 * imported OFA / CompOFA checkpoint ({@code imported/run.json}, {@link ImportedRunOpener}) or else a
 * Fashion-MNIST run trained by {@code compofa train} ({@link TrainedRun}, options and behaviour as
 * before).
 */
interface OpenedRun {
    /** The run directory (outputs go to {@code latency/}, {@code evaluation/}, {@code search/}, {@code export/}). */
    Path dir();

    /** The run's search space. */
    SearchSpace space();

    /** The run's resolutions: what evaluate and latency cover by default, and what they may be asked for. */
    ResolutionSet resolutions();

    /** The supernet on {@code ctx}; the caller closes it. */
    Network loadSupernet(ComputeContext ctx) throws IOException;

    /**
     * The data to recalibrate BN statistics and evaluate on.
     *
     * @throws CommandFailedException when the run has none (an imported run opened without {@code --data})
     */
    EvaluationData data();

    /** Whether {@link #data} has data. */
    boolean hasData();

    /**
     * How an exported subnet at {@code resolution} is fed (written into model files and ONNX metadata):
     * Fashion-MNIST's for a trained run; the reference's ImageNet transform for an imported one, with
     * the class folders' names when {@code --data} was given.
     */
    default org.compofa.data.Preprocessing preprocessing(int resolution) {
        return org.compofa.data.Preprocessing.fashionMnist(resolution);
    }

    /**
     * The kernel-transform matrices an OFA export of this run's supernet writes: those the imported
     * checkpoint had, else OFA's {3, 5, 7} chain for a network with OFA's transform and none for a
     * centre-crop one.
     */
    default org.compofa.io.ofa.KernelMatrices kernelMatrices(Network net) {
        return org.compofa.io.ofa.OfaExport.defaultMatrices(net);
    }

    /**
     * The data of a run, per resolution (an ImageNet folder is resized and cropped per resolution;
     * Fashion-MNIST is the same at every one).
     *
     * @param description       what the test images are, for the accuracy table
     * @param recalibration     the images BN statistics are recalibrated on, at a resolution
     * @param test              the images top-1 is measured on, at a resolution
     * @param recalibrationLoader its augmentation and normalisation apply to recalibration batches
     * @param evalLoader        how test batches are formed
     */
    record EvaluationData(String description, IntFunction<Dataset> recalibration, IntFunction<Dataset> test,
                          LoaderConfig recalibrationLoader, LoaderConfig evalLoader, java.util.List<String> classNames) {
    }

    /** Whether a command needs images. */
    enum DataNeed {
        /** Never reads images (latency). */
        NONE,
        /** Uses them when given (export recalibrates on them). */
        OPTIONAL,
        /** Cannot run without them (evaluate). */
        REQUIRED
    }

    /** What a command does with its opened run: returns the exit code. */
    @FunctionalInterface
    interface Body {
        /** Runs on {@code run}, computing on {@code ctx} (closed afterwards), printing to {@code out}. */
        int run(OpenedRun run, ComputeContext ctx, PrintStream out) throws IOException;
    }

    /**
     * Opens the run in {@code dir} as what it holds and runs {@code body} on it: an imported run
     * ({@link ImportedRunOpener#with}) or a Fashion-trained one ({@link TrainedRun#with}, unchanged:
     * the data is loaded first, so a missing file fails before a device is opened).
     */
    static int with(CommandSpec spec, Path dir, SharedOptions.Recipe recipe, SharedOptions.Engine engine,
                    DataNeed need, Body body) throws IOException {
        if (ImportedRun.isImported(dir)) {
            return ImportedRunOpener.with(spec, dir, recipe, engine, need, body);
        }
        return TrainedRun.with(spec, dir, recipe, new SharedOptions.Epochs(), engine, body::run);
    }
}
