package org.compofa.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.compofa.export.ModelFile;
import org.compofa.export.OnnxExporter;
import org.compofa.export.OnnxRuntime;
import org.compofa.export.OnnxRuntimeMissingException;
import org.compofa.export.OnnxVerifier;
import org.compofa.nn.Network;
import org.compofa.nn.Workspace;
import org.compofa.runtime.ComputeContext;
import org.compofa.space.SearchSpace;
import org.compofa.space.Subnet;
import org.compofa.train.Evaluator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code compofa export}: one subnet of a trained CompOFA run (the newest checkpoint of its last
 * compound phase) or of an imported OFA / CompOFA checkpoint, BN-recalibrated (an imported run only
 * with {@code --data}), written as our model file and as ONNX, the ONNX checked in ONNX Runtime
 * against our logits.
 */
@Command(name = "export", description = "A subnet as our model file and ONNX, checked in ONNX Runtime (exit 1 if "
        + "they disagree; without ONNX Runtime on the class path the check is skipped, said so, exit 0); or the supernet / a subnet as an OFA PyTorch state dict or safetensors (--format).")
final class ExportCommand implements Callable<Integer> {
    /** {@code --resolution}'s default on a Fashion-trained run. */
    static final int FASHION_RESOLUTION = 28;

    @Spec
    private CommandSpec spec;

    @Option(names = "--run", paramLabel = "DIR", description = "a `compofa train` or `compofa import` run directory "
            + "(an imported run is BN-recalibrated only when --data names an image folder)")
    private Path runDir = Path.of("runs/fashion");

    /** What is written. */
    enum Format {
        /** Our model file and ONNX, checked in ONNX Runtime. */
        ONNX("onnx"),
        /** An OFA state dict in torch's zip format ({@code torch.load} reads it). */
        OFA_PTH("ofa-pth"),
        /** The same tensors as safetensors. */
        SAFETENSORS("safetensors");

        final String label;

        Format(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    @Option(names = "--format", paramLabel = "F", converter = FormatConverter.class, description = "onnx (our model "
            + "file + ONNX of one subnet), ofa-pth or safetensors (the whole supernet in the names of OFA's "
            + "OFAMobileNetV3, or with --subnet one subnet in those of OFA's static MobileNetV3)")
    private Format format = Format.ONNX;

    @Option(names = "--subnet", paramLabel = "ID", description = "a subnet id, or largest / smallest (default: "
            + "largest for onnx; the whole supernet for ofa-pth / safetensors)")
    private String subnetName;

    @Option(names = "--resolution", paramLabel = "R", converter = Ranges.Positive.class,
            description = "resolution for largest / smallest, one of the run's resolutions, >= 1 (default: 28 for a "
                    + "Fashion run, the largest of an imported run's)")
    private Integer resolution;

    @Option(names = "--out", paramLabel = "BASE",
            description = "writes BASE.onnx, BASE.cmpf and BASE.cmpf.json, or BASE.ofa.pth / BASE.safetensors (default: "
                    + "<run>/export/<subnet>, <run>/export/supernet for the whole supernet)")
    private Path base;

    @Mixin
    private SharedOptions.Recipe recipe;

    @Mixin
    private SharedOptions.Engine engine;

    @Override
    public Integer call() throws IOException {
        return OpenedRun.with(spec, runDir, recipe, engine, OpenedRun.DataNeed.OPTIONAL, this::export);
    }

    /** Recalibrates, writes and checks the subnet asked for; 1 if ONNX Runtime disagrees. */
    private int export(OpenedRun run, ComputeContext ctx, PrintStream out) throws IOException {
        SearchSpace space = run.space();
        if (format != Format.ONNX && subnetName == null) {
            try (Network net = run.loadSupernet(ctx)) {
                return OfaFormats.writeSupernet(net, run, format, base, out);
            }
        }
        Subnet subnet = subnet(space, run);
        try (Network net = run.loadSupernet(ctx)) {
            if (run.hasData()) {
                OpenedRun.EvaluationData data = run.data();
                try (Workspace ws = new Workspace(ctx)) {
                    new Evaluator(ws).recalibrate(net, subnet, data.recalibration().apply(subnet.resolution()),
                            data.recalibrationLoader(), Evaluator.RECALIBRATION_IMAGES);
                }
            } else {
                out.println("no --data: " + subnet.id() + " keeps the checkpoint's BN statistics (those of the full "
                        + "supernet unless it was recalibrated for this subnet)");
            }
            Path to = base != null ? base : run.dir().resolve("export").resolve(subnet.id());
            if (format != Format.ONNX) {
                return OfaFormats.writeSubnet(net, subnet, space.id(), format, to, out);
            }
            org.compofa.data.Preprocessing pre = run.preprocessing(subnet.resolution());
            byte[] onnx = OnnxExporter.export(net, subnet, pre);
            Files.createDirectories(to.toAbsolutePath().getParent());
            Files.write(Path.of(to + ".onnx"), onnx);
            ModelFile.write(Path.of(to + ".cmpf"), net, subnet, space.id(), pre);
            out.printf("exported %s to %s.onnx (%d bytes) and %s.cmpf%n", subnet.id(), to, onnx.length, to);
            out.println("preprocessing (in the .cmpf header and the ONNX metadata_props): " + pre);
            try {
                OnnxRuntime.require("the check of the export in ONNX Runtime");
            } catch (OnnxRuntimeMissingException e) {
                // The export is the work asked for; the check is extra: say it was skipped, and why.
                out.println("ONNX Runtime check SKIPPED: " + e.getMessage());
                return 0;
            }
            OnnxVerifier.Result check = OnnxVerifier.compare(onnx, net, subnet, 8, 1);
            out.printf("ONNX Runtime vs compofa on 8 random images: max |diff| %.3g at max |logit| %.3g: %s%n",
                    check.maxAbsDiff(), check.maxAbsLogit(), check.agrees() ? "agree" : "DISAGREE");
            return check.agrees() ? 0 : 1;
        }
    }

    /** Parses {@code --format}, listing the choices when the value is none of them. */
    static final class FormatConverter implements picocli.CommandLine.ITypeConverter<Format> {
        @Override
        public Format convert(String value) {
            for (Format f : Format.values()) {
                if (f.label.equals(value)) {
                    return f;
                }
            }
            throw new picocli.CommandLine.TypeConversionException("'" + value + "': allowed onnx, ofa-pth, safetensors");
        }
    }

    /** The subnet asked for, checked against the run's space (a usage error naming the option if not). */
    private Subnet subnet(SearchSpace space, OpenedRun run) {
        String subnetName = this.subnetName != null ? this.subnetName : "largest";
        boolean extreme = subnetName.equals("largest") || subnetName.equals("smallest");
        int resolution = this.resolution != null ? this.resolution
                : run instanceof TrainedRun ? FASHION_RESOLUTION : run.resolutions().max();
        if (extreme && !run.resolutions().contains(resolution)) {
            throw new ParameterException(spec.commandLine(), "--resolution: " + resolution
                    + " is not one of the run's resolutions " + run.resolutions().values());
        }
        try {
            return switch (subnetName) {
                case "largest" -> space.largest(resolution);
                case "smallest" -> space.smallest(resolution);
                default -> space.validate(Subnet.parse(subnetName));
            };
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), (extreme ? "--resolution: " : "--subnet: ")
                    + e.getMessage());
        }
    }
}
