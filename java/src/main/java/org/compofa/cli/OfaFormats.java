package org.compofa.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SequencedMap;
import org.compofa.io.ofa.KernelMatrices;
import org.compofa.io.ofa.OfaExport;
import org.compofa.io.safetensors.Safetensors;
import org.compofa.io.torch.TorchCheckpointWriter;
import org.compofa.io.torch.TorchTensor;
import org.compofa.nn.Network;
import org.compofa.space.Subnet;

/**
 * {@code compofa export --format ofa-pth|safetensors}: the supernet in the names of OFA's
 * {@code OFAMobileNetV3} or one subnet in those of OFA's static {@code MobileNetV3}, as a torch zip
 * checkpoint ({@code .ofa.pth}) or as safetensors with the run's space in its metadata.
 */
final class OfaFormats {
    private OfaFormats() {
    }

    /** Writes the whole supernet; 0. */
    static int writeSupernet(Network net, OpenedRun run, ExportCommand.Format format, Path base, PrintStream out)
            throws IOException {
        KernelMatrices matrices = run.kernelMatrices(net);
        SequencedMap<String, TorchTensor> sd = OfaExport.supernet(net, matrices);
        Path to = base != null ? base : run.dir().resolve("export").resolve("supernet");
        Path file = write(sd, to, format, Map.of("format", "pt", "compofa.kind", "OFAMobileNetV3 supernet",
                "compofa.space", run.space().id(), "compofa.kernel_matrices", matrices.name()));
        out.printf("exported the supernet (%d tensors, kernel matrices %s) to %s%n", sd.size(), matrices, file);
        for (String d : OfaExport.differencesFromOfa(net.spec())) {
            out.println("note: OFA's OFAMobileNetV3 differs from this network: " + d
                    + " (the tensors load; OFA's forward would not be this network's)");
        }
        return 0;
    }

    /** Writes one subnet in static MobileNetV3 names; 0. */
    static int writeSubnet(Network net, Subnet subnet, String spaceId, ExportCommand.Format format, Path to,
                           PrintStream out) throws IOException {
        SequencedMap<String, TorchTensor> sd = OfaExport.subnet(net, subnet);
        Path file = write(sd, to, format, Map.of("format", "pt", "compofa.kind", "MobileNetV3 subnet",
                "compofa.space", spaceId, "compofa.subnet", subnet.id()));
        out.printf("exported %s (%d tensors, static MobileNetV3 names) to %s%n", subnet.id(), sd.size(), file);
        return 0;
    }

    private static Path write(SequencedMap<String, TorchTensor> sd, Path base, ExportCommand.Format format,
                              Map<String, String> metadata) throws IOException {
        Path file = Path.of(base + (format == ExportCommand.Format.OFA_PTH ? ".ofa.pth" : ".safetensors"));
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        if (format == ExportCommand.Format.OFA_PTH) {
            TorchCheckpointWriter.write(file, sd);
        } else {
            Safetensors.write(file, sd, metadata);
        }
        return file;
    }
}
