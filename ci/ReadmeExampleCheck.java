import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.compofa.data.Preprocessing;
import org.compofa.examples.InferenceExample;
import org.compofa.export.ModelFile;
import org.compofa.nn.Network;
import org.compofa.nn.NetworkSpec;
import org.compofa.ops.KernelTransform;
import org.compofa.runtime.ComputeContext;
import org.compofa.space.MobileNetV3Geometry;

/**
 * The README's inference example where no system BLAS is visible (run by check-no-system-blas.sh
 * inside its mount namespace): writes a small model file (random weights, 3 named classes) and a
 * JPEG into the folder given, then runs {@link InferenceExample} on them, which must print a prediction.
 */
public final class ReadmeExampleCheck {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Path model = dir.resolve("model.cmpf");
        try (ComputeContext ctx = ComputeContext.select();
             Network net = new Network(ctx, NetworkSpec.supernet(MobileNetV3Geometry.smallInput(0.35, 3, 3), 2,
                     KernelTransform.NONE), 5)) {
            ModelFile.write(model, net, net.largestSubnet(32), "check",
                    Preprocessing.imagenet(32, List.of("apple", "banana", "cherry")));
        }
        BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 64; x++) {
                img.setRGB(x, y, (x * 4) << 16 | (y * 5) << 8 | 99);
            }
        }
        Path jpg = dir.resolve("fruit.jpg");
        ImageIO.write(img, "jpg", jpg.toFile());
        InferenceExample.main(new String[] {model.toString(), jpg.toString()});
    }
}
