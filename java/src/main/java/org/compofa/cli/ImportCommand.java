package org.compofa.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.SequencedMap;
import java.util.concurrent.Callable;
import org.compofa.io.ofa.KernelMatrices;
import org.compofa.io.ofa.OfaImport;
import org.compofa.io.torch.TorchCheckpoint;
import org.compofa.io.torch.TorchTensor;
import org.compofa.search.OfaAccuracyPredictor;
import org.compofa.io.ofa.OfaSupernet;
import org.compofa.nn.BlockSpec;
import org.compofa.nn.NetworkSpec;
import org.compofa.space.MobileNetV3Geometry;
import org.compofa.space.ResolutionSet;
import org.compofa.space.SearchSpace;
import org.compofa.space.SearchSpaces;
import org.compofa.train.NamedArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code compofa import}: an OFA / CompOFA MobileNetV3 checkpoint from PyTorch ({@link OfaImport})
 * made into a run the post-training commands accept ({@link ImportedRun}): prints what it holds,
 * picks the search space (OFA's when it carries kernel-transform matrices, else CompOFA's, or
 * {@code --space}), checks that the space fits the stored network, copies the file into
 * {@code <out>/imported/supernet.pth} and writes {@code <out>/imported/run.json} last. Importing the
 * same file with the same space again is a no-op; a run directory that holds anything else is refused.
 */
@Command(name = "import", description = "An OFA / CompOFA MobileNetV3 checkpoint (.pth / .pth.tar) as a run for "
        + "latency, evaluate, search and export.")
final class ImportCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "the checkpoint (torch zip or legacy format; a "
            + "state dict, bare or wrapped, as OFA's OFAMobileNetV3 or a static subnet saves it; or OFA's accuracy predictor acc_predictor.pth, added to "
            + "an imported run's --out)")
    private Path file;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "the run directory to make, e.g. "
            + "runs/ofa-w1.0 (new or empty, or an import of the same file)")
    private Path out;

    @Option(names = "--space", paramLabel = "ID", description = "search space id, e.g. ofa_mbv3_d234_e346_k357_w1.0 "
            + "or compofa_mbv3_w1.2_r160-224 (default: OFA's full space when the file has kernel-transform "
            + "matrices, else CompOFA's, at the file's width)")
    private String spaceId;

    @Override
    public Integer call() throws IOException {
        PrintStream o = Main.out(spec);
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "not a regular file");
        }
        SequencedMap<String, TorchTensor> stateDict = TorchCheckpoint.stateDict(file);
        if (OfaAccuracyPredictor.looksLikeOfaPredictor(stateDict)) {
            return PredictorImport.run(o, file, stateDict, out);
        }
        OfaSupernet net = OfaImport.fromStateDict(file, stateDict);
        NetworkSpec s = net.spec();
        Double width = ImportedRun.usualWidth(s);
        SearchSpace space = space(s, width, net.matrices());
        String sha = ImportedRun.sha256(file);
        describe(o, net, width);
        o.println("space: " + space.id() + (spaceId != null ? " (--space)" : net.matrices() != KernelMatrices.NONE
                ? " (default: the file has kernel-transform matrices)" : " (default: no transform matrices)"));
        ImportedRun run = new ImportedRun(ImportedRun.FORMAT, ImportedRun.VERSION, space.id(), ImportedRun.CHECKPOINT,
                file.getFileName().toString(), sha, net.elastic(), s.geometry().numClasses(), net.matrices().name());
        if (ImportedRun.isImported(out)) {
            ImportedRun old = ImportedRun.read(out);
            if (old.sha256().equals(sha) && old.space().equals(space.id())) {
                o.println("run: " + out + " already holds this import (sha256 " + sha + "); nothing to do");
                return 0;
            }
            throw new CommandFailedException(out + " already holds another import (" + old.source() + ", sha256 "
                    + old.sha256() + ", space " + old.space() + "); give a new --out");
        }
        if (Files.exists(out) && !isEmptyDirectory(out)) {
            throw new CommandFailedException(out + ": exists and is not an empty directory (a trained run?); give a "
                    + "new --out");
        }
        copy(file, run.checkpointFile(out));
        run.write(out);
        boolean tabulable = space.sizePerResolution().compareTo(java.math.BigInteger.valueOf(
                SearchSpace.ENUMERATION_LIMIT)) <= 0;
        o.println("run: " + out + " (imported/" + ImportedRun.CHECKPOINT + ", sha256 " + sha + "; next: " + (tabulable
                ? "compofa latency / evaluate --data DIR / search / export --run " + out
                : "compofa import acc_predictor.pth --out " + out + ", then latency --lut only / search / export --run "
                + out + ": the space is too large to time or evaluate subnet by subnet") + ")");
        return 0;
    }

    /** The space asked for or the default, checked against the stored network (a usage error if it does not fit). */
    private SearchSpace space(NetworkSpec s, Double width, KernelMatrices matrices) {
        SearchSpace space;
        if (spaceId != null) {
            try {
                space = SearchSpaces.fromId(spaceId);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--space: " + e.getMessage());
            }
        } else if (width == null) {
            throw new ParameterException(spec.commandLine(), "the stored widths match no usual width multiplier "
                    + ImportedRun.USUAL_WIDTHS + "; give --space with its w (ImageNet widths are checked)");
        } else {
            space = defaultSpace(width, matrices);
        }
        List<String> misfits = ImportedRun.misfits(space, s);
        if (!misfits.isEmpty()) {
            throw new ParameterException(spec.commandLine(), (spaceId != null ? "--space: " : "default space ")
                    + space.id() + " does not fit " + file + ": " + String.join("; ", misfits)
                    + (spaceId != null ? "" : "; give --space with choices the network stores"));
        }
        return space;
    }

    /** OFA's space with the kernels the matrices serve, or CompOFA's (fixed kernels, centre crops) without matrices. */
    static SearchSpace defaultSpace(double width, KernelMatrices matrices) {
        ResolutionSet r = SearchSpaces.defaultResolutions(width);
        List<Integer> depths = List.of(2, 3, 4);
        List<Integer> expands = List.of(3, 4, 6);
        return switch (matrices) {
            case NONE -> SearchSpaces.compOfa(width, r);
            case K357 -> SearchSpaces.ofaMbv3(depths, expands, List.of(3, 5, 7), width, r);
            case K57 -> SearchSpaces.ofaMbv3(depths, expands, List.of(5, 7), width, r);
            case K37 -> SearchSpaces.ofaMbv3(depths, expands, List.of(3, 7), width, r);
        };
    }

    /** The facts of the file, one per line. */
    static void describe(PrintStream o, OfaSupernet net, Double width) {
        NetworkSpec s = net.spec();
        o.println("file: " + net.source());
        o.println("kind: " + (net.elastic() ? "elastic OFA supernet (OFAMobileNetV3)" : "static subnet"));
        o.println("width multiplier: " + (width != null ? "w" + width + " (ImageNet widths)"
                : "none of the usual " + ImportedRun.USUAL_WIDTHS));
        o.println("input channels: " + s.geometry().inputChannels() + ", classes: " + s.geometry().numClasses());
        List<Integer> blocks = s.stages().stream().map(List::size).toList();
        int maxKernel = s.stages().stream().flatMap(List::stream).mapToInt(BlockSpec::maxKernel).max().orElseThrow();
        int maxExpand = s.stages().stream().flatMap(List::stream).mapToInt(ImportCommand::storedExpand).max()
                .orElseThrow();
        o.println("blocks per stage: " + blocks + " (max depth " + blocks.stream().mapToInt(Integer::intValue).max()
                .orElseThrow() + "), stored max kernel " + maxKernel + ", max expand " + maxExpand);
        o.println("kernel transform: " + switch (net.matrices()) {
            case NONE -> "none (smaller kernels are centre crops)";
            default -> "OFA matrices " + net.matrices().keys().stream().sorted().toList() + " (" + net.matrices()
                    + ")";
        });
        long params = 0;
        long stats = 0;
        boolean moved = false;
        for (NamedArray a : net.arrays()) {
            boolean mean = a.name().endsWith(".running_mean");
            if (mean || a.name().endsWith(".running_var")) {
                stats += a.values().length;
                for (float v : a.values()) {
                    moved |= v != (mean ? 0f : 1f);
                }
            } else if (!addedIdentity(a.name(), net.matrices())) {
                params += a.values().length;
            }
        }
        o.println(String.format(Locale.ROOT, "parameters: %,d; BN running statistics: %,d values, %s", params, stats,
                moved ? "non-default (trained or recalibrated)"
                        : "all mean 0 / var 1 (never updated: evaluate recalibrates them)"));
    }

    /** Whether an array is an identity matrix the import adds where OFA has no matrix (not in the file). */
    private static boolean addedIdentity(String name, KernelMatrices m) {
        return (m == KernelMatrices.K57 && name.endsWith(".depthwise.t53"))
                || (m == KernelMatrices.K37 && name.endsWith(".depthwise.t75"));
    }

    /** The largest expand ratio e whose middle width {@code make_divisible(in * e, 8)} the block stores. */
    static int storedExpand(BlockSpec b) {
        int e = 0;
        for (int x = 1; x <= 16 && MobileNetV3Geometry.middleWidth(b.inChannels(), x) <= b.maxMid(); x++) {
            e = x;
        }
        return e;
    }

    private static boolean isEmptyDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            return !entries.iterator().hasNext();
        }
    }

    /** A copy that appears whole or not at all (AtomicFiles), mode 0644 where the file system has POSIX modes. */
    static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        org.compofa.report.AtomicFiles.write(to, o -> Files.copy(from, o));
        if (Files.getFileAttributeView(to, PosixFileAttributeView.class) != null) {
            Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rw-r--r--"));
        }
    }
}
