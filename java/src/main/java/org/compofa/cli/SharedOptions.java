package org.compofa.cli;

import java.nio.file.Path;
import java.util.Map;

import org.compofa.data.FashionMnist;
import org.compofa.data.ImageFolderDataset;
import org.compofa.data.MeasuredNormalization;
import org.compofa.train.RecipeInput;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;
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

        @Option(names = "--data", paramLabel = "DIR", description = {"Fashion-MNIST IDX files, or an ImageNet-style "
                + "folder DIR/train/<class>/* and DIR/val/<class>/* (.jpg/.jpeg/.png; told apart by content).",
                "An imported run: DIR/val/<class>/* or DIR/<class>/*, DIR/train/ recalibrates if present"})
        Path data = FashionMnist.DEFAULT_DIRECTORY;

        @Option(names = "--color", paramLabel = "rgb|gray", converter = ColorConverter.class, description =
                "channels read from an image folder (default: rgb for a folder, gray for IDX files, which are gray)")
        ImageFolderDataset.ColorMode color;

        @Option(names = "--mean", paramLabel = "A[,B,C]", converter = FloatsConverter.class, description =
                "per-channel normalisation mean of [0,1] pixels (with --std; default: measured on "
                        + MeasuredNormalization.DEFAULT_IMAGES + " seeded training images of a folder, "
                        + "Fashion-MNIST's for IDX files); stored with the run")
        float[] mean;

        @Option(names = "--std", paramLabel = "A[,B,C]", converter = FloatsConverter.class, description =
                "per-channel normalisation std, > 0 (with --mean)")
        float[] std;

        @Option(names = "--preset", paramLabel = "NAME", converter = PresetConverter.class, description = {
            "fashion (default): small-input geometry, the 2-core CPU defaults below;",
            "imagenet: ImageNet geometry (StageTable.imagenet) and the reference's ImageNet schedule, sized for a GPU:"
                    + " width 1.0, resolutions 128-224:4, batch 256, teacher 180 and compound 150 epochs, lr scale 1;"
                    + " options given explicitly win. Stored with the run"})
        String preset;

        @Option(names = "--color-jitter", paramLabel = "yes|no", converter = YesNoConverter.class, description =
                "the reference's colour jitter (brightness 32/255, saturation 0.5) in training (default: yes for "
                        + "images cropped ImageNet-style, no for small images and IDX files)")
        Boolean colorJitter;

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

    /** Converts {@code rgb} or {@code gray}. */
    static final class ColorConverter implements ITypeConverter<ImageFolderDataset.ColorMode> {
        @Override
        public ImageFolderDataset.ColorMode convert(String s) {
            return switch (s) {
                case "rgb" -> ImageFolderDataset.ColorMode.RGB;
                case "gray", "grey" -> ImageFolderDataset.ColorMode.GRAYSCALE;
                default -> throw new TypeConversionException("'" + s + "': allowed rgb, gray");
            };
        }
    }

    /** Converts {@code yes} or {@code no}. */
    static final class YesNoConverter implements ITypeConverter<Boolean> {
        @Override
        public Boolean convert(String s) {
            return switch (s) {
                case "yes" -> true;
                case "no" -> false;
                default -> throw new TypeConversionException("'" + s + "': allowed yes, no");
            };
        }
    }

    /** Converts a preset name. */
    static final class PresetConverter implements ITypeConverter<String> {
        @Override
        public String convert(String s) {
            if (!s.equals(RecipeInput.FASHION_PRESET) && !s.equals(RecipeInput.IMAGENET_PRESET)) {
                throw new TypeConversionException("'" + s + "': allowed fashion, imagenet");
            }
            return s;
        }
    }

    /** Converts 1 or 3 comma-separated finite floats. */
    static final class FloatsConverter implements ITypeConverter<float[]> {
        @Override
        public float[] convert(String s) {
            String[] parts = s.split(",", -1);
            if (parts.length != 1 && parts.length != 3) {
                throw new TypeConversionException("'" + s + "': give 1 (gray) or 3 (rgb) comma-separated numbers");
            }
            float[] v = new float[parts.length];
            for (int i = 0; i < v.length; i++) {
                try {
                    v[i] = Float.parseFloat(parts[i].strip());
                } catch (NumberFormatException e) {
                    throw new TypeConversionException("'" + parts[i] + "' is not a number");
                }
                if (!Float.isFinite(v[i])) {
                    throw new TypeConversionException("'" + parts[i] + "': must be finite");
                }
            }
            return v;
        }
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

        @Option(names = "--device", paramLabel = "N", converter = Ranges.NonNegative.class, description =
                "CUDA device, >= 0 (default: the local rank under mpirun/srun, else 0)")
        Integer device;

        /** Opens the chosen backend with the thread count asked; the caller closes it. */
        ComputeContext open() {
            ComputeContext ctx = ComputeContext.select(backend, device == null
                    ? System.getProperty(org.compofa.runtime.DevicePlacement.DEVICE_PROPERTY) : device.toString());
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
