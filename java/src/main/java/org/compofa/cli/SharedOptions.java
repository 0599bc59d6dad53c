package org.compofa.cli;

import java.nio.file.Path;
import java.util.Map;

import org.compofa.data.FashionMnist;
import org.compofa.runtime.ComputeContext;
import org.compofa.space.ResolutionSet;
import org.compofa.train.FashionRecipe;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * The options several commands share, declared once each as picocli mixins: the space
 * ({@link Space}), the recipe a run was trained with ({@link Recipe}), the training length
 * ({@link Epochs}) and the engine ({@link Engine}).
 */
final class SharedOptions {
    private SharedOptions() {}

    /** A command's own defaults of options declared elsewhere (a picocli default provider over a map). */
    abstract static class Defaults implements IDefaultValueProvider {
        private final Map<String, String> values;

        /** {@code values}: default value by an option's longest name. */
        Defaults(Map<String, String> values) {
            this.values = Map.copyOf(values);
        }

        @Override
        public String defaultValue(ArgSpec arg) {
            return arg instanceof OptionSpec o ? values.get(o.longestName()) : null;
        }
    }

    /** What names the search space (and must match the training run). */
    static final class Space {
        @Option(names = "--width", paramLabel = "W", converter = Ranges.PositiveDecimal.class,
                description = "supernet width multiplier, finite and > 0 (an imported run: its own, need not be "
                        + "given)")
        double width = 0.5;

        @Option(names = "--resolutions", paramLabel = "A-B:S", converter = Ranges.Resolutions.class,
                defaultValue = "24-32:4", description = "training resolutions: A, or A to B step S (an imported "
                        + "run: a subset of its space's, default all of them)")
        ResolutionSet resolutions;
    }

    /** The recipe settings and data of a run (they must match the training run's). */
    static final class Recipe {
        @Mixin
        Space space = new Space();

        @Option(names = "--data", paramLabel = "DIR", description = "Fashion-MNIST IDX files (an imported run: an "
                + "ImageNet-style folder, DIR/val/<class>/* or DIR/<class>/*, DIR/train/ recalibrates if present)")
        Path data = FashionMnist.DEFAULT_DIRECTORY;

        @Option(names = "--batch", paramLabel = "N", converter = Ranges.AtLeastTwo.class,
                description = "images per step, >= 2")
        int batch = 128;

        @Option(names = "--seed", paramLabel = "N", description = "seed of the weights and the data order")
        long seed;

        @Option(names = "--train-limit", paramLabel = "N", converter = Ranges.Positive.class,
                description = "use a seeded random subset of N training images, >= 1 (unset: all)")
        Integer trainLimit;

        @Option(names = "--test-limit", paramLabel = "N", converter = Ranges.Positive.class,
                description = "evaluate on the first N test images, >= 1 (unset: all)")
        Integer testLimit;
    }

    /** How long the teacher and the compound supernet train. */
    static final class Epochs {
        @Option(names = "--teacher-epochs", paramLabel = "N", converter = Ranges.Positive.class,
                description = "teacher epochs, >= 1")
        int teacher = FashionRecipe.DEFAULT_TEACHER_EPOCHS;

        @Option(names = "--compound-epochs", paramLabel = "N", converter = Ranges.AtLeastTwo.class,
                description = "CompOFA epochs over its two phases, >= 2")
        int compound = FashionRecipe.DEFAULT_COMPOUND_EPOCHS;

        @Option(names = "--compound-lr-scale", paramLabel = "X", converter = Ranges.PositiveDecimal.class,
                description = "factor on the batch-scaled compound learning rate, finite and > 0")
        double compoundLrScale = FashionRecipe.DEFAULT_COMPOUND_LR_SCALE;
    }

    /** Which backend computes, with how many threads. */
    static final class Engine {
        @Option(names = "--backend", paramLabel = "B", converter = Ranges.BackendName.class,
                description = "reference, cpu, cuda or auto (CUDA when available, else CPU)")
        String backend = "auto";

        @Option(names = "--threads", paramLabel = "N", converter = Ranges.Positive.class,
                description = "CPU threads of the native kernels, >= 1 (default: the library's choice)")
        Integer threads;

        /** Opens the chosen backend with the thread count asked; the caller closes it. */
        ComputeContext open() {
            ComputeContext ctx = ComputeContext.select(backend);
            if (threads != null) {
                try {
                    ctx.setThreads(threads);
                } catch (RuntimeException e) {
                    ctx.close();
                    throw e;
                }
            }
            return ctx;
        }

        /** The thread count for engines that take one, 0 for their default. */
        int threadsOrZero() {
            return threads == null ? 0 : threads;
        }
    }
}
