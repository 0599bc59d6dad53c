package org.compofa.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.compofa.data.FashionMnist;
import org.compofa.export.ModelFile;
import org.compofa.export.OnnxExporter;
import org.compofa.export.OnnxVerifier;
import org.compofa.nn.Network;
import org.compofa.nn.Workspace;
import org.compofa.runtime.ComputeContext;
import org.compofa.space.SearchSpace;
import org.compofa.space.Subnet;
import org.compofa.train.Evaluator;
import org.compofa.train.FashionRecipe;

/**
 * {@code compofa export}: one subnet of a trained CompOFA run (the newest checkpoint of its last
 * compound phase), BN-recalibrated, written as our model file and as ONNX, the ONNX checked in ONNX
 * Runtime against our logits.
 */
final class ExportCommand {
    private ExportCommand() {}

    static String usage() {
        return """
                usage: compofa export [options]
                  --run DIR        a `compofa train` run directory (default runs/fashion)
                  --subnet ID      a subnet id, or largest / smallest (default largest)
                  --resolution R   for largest / smallest (default 28)
                  --out BASE       writes BASE.onnx, BASE.cmpf and BASE.cmpf.json (default <run>/export/<subnet>)
                  --data DIR       Fashion-MNIST for BN recalibration (default %s)
                  --width W --resolutions A-B:S --seed N   must match the training run (defaults as train)"""
                .formatted(FashionMnist.DEFAULT_DIRECTORY);
    }

    static int run(PrintStream out, String... args) {
        Options o;
        try {
            o = Options.parse(List.of(args));
        } catch (IllegalArgumentException e) {
            System.err.println("compofa export: " + e.getMessage() + "\n" + usage());
            return 2;
        }
        try (ComputeContext ctx = ComputeContext.select(o.get("backend", "auto"))) {
            TrainedRun trained = TrainedRun.open(o, ctx, out);
            Path run = trained.settings().out();
            FashionRecipe recipe = trained.recipe();
            SearchSpace space = recipe.space();
            try (Network net = trained.loadCompound(ctx)) {
                String which = o.get("subnet", "largest");
                int r = o.integer("resolution", 28);
                Subnet subnet = switch (which) {
                    case "largest" -> space.largest(r);
                    case "smallest" -> space.smallest(r);
                    default -> space.validate(Subnet.parse(which));
                };
                try (Workspace ws = new Workspace(ctx)) {
                    new Evaluator(ws).recalibrate(net, subnet, trained.train(), recipe.trainLoader(),
                            Evaluator.RECALIBRATION_IMAGES);
                }
                Path base = Path.of(o.get("out", run.resolve("export").resolve(subnet.id()).toString()));
                byte[] onnx = OnnxExporter.export(net, subnet);
                Files.createDirectories(base.toAbsolutePath().getParent());
                Files.write(Path.of(base + ".onnx"), onnx);
                ModelFile.write(Path.of(base + ".cmpf"), net, subnet, space.id());
                OnnxVerifier.Result check = OnnxVerifier.compare(onnx, net, subnet, 8, 1);
                out.printf("exported %s to %s.onnx (%d bytes) and %s.cmpf%n", subnet.id(), base, onnx.length, base);
                out.printf("ONNX Runtime vs compofa on 8 random images: max |diff| %.3g at max |logit| %.3g: %s%n",
                        check.maxAbsDiff(), check.maxAbsLogit(), check.agrees() ? "agree" : "DISAGREE");
                return check.agrees() ? 0 : 1;
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("compofa export: " + e.getMessage());
            return 1;
        }
    }
}
