package org.compofa.export;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.compofa.nn.Network;
import org.compofa.nn.NetworkSpec;
import org.compofa.nn.SubnetExtractor;
import org.compofa.report.AtomicFiles;
import org.compofa.runtime.ComputeContext;
import org.compofa.space.Activation;
import org.compofa.space.MobileNetV3Geometry;
import org.compofa.space.StageSpec;
import org.compofa.space.StageTable;
import org.compofa.space.Subnet;
import org.compofa.space.SubnetJson;
import org.compofa.train.NamedArray;

/**
 * Our standalone model format: one subnet with its own contiguous weights, loadable for inference
 * without the supernet. Layout: magic {@code CMPFMODL}, int version, int header length, the header
 * ({@code key=value} lines: the subnet's JSON, space id, geometry), int array count, per array
 * (name, rank, dims, floats), then the CRC32C of everything before it. Written to a temporary file
 * and moved into place; a truncated or altered file fails to load with a message naming it.
 */
public final class ModelFile {
    /** First eight bytes. */
    public static final String MAGIC = "CMPFMODL";
    /** Format version written and read. */
    public static final int VERSION = 1;

    private ModelFile() {
    }

    /** A loaded model: the static network (caller closes it), the subnet to run on it and its space id. */
    public record Model(Network network, Subnet subnet, String spaceId) {
    }

    /** Extracts {@code subnet} from {@code supernet} and writes it to {@code file} (plus {@code file.json}). */
    public static void write(Path file, Network supernet, Subnet subnet, String spaceId) throws IOException {
        try (Network sub = SubnetExtractor.extract(supernet, subnet)) {
            Map<String, String> header = header(sub.spec().geometry(), subnet, spaceId);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.write(MAGIC.getBytes(StandardCharsets.US_ASCII));
            out.writeInt(VERSION);
            StringBuilder h = new StringBuilder();
            header.forEach((k, v) -> h.append(k).append('=').append(v).append('\n'));
            byte[] hb = h.toString().getBytes(StandardCharsets.UTF_8);
            out.writeInt(hb.length);
            out.write(hb);
            List<NamedArray> arrays = sub.parameters().toArrays();
            out.writeInt(arrays.size());
            for (NamedArray a : arrays) {
                byte[] name = a.name().getBytes(StandardCharsets.UTF_8);
                out.writeInt(name.length);
                out.write(name);
                out.writeInt(a.shape().length);
                for (int d : a.shape()) {
                    out.writeInt(d);
                }
                ByteBuffer buf = ByteBuffer.allocate(4 * a.values().length);
                buf.asFloatBuffer().put(a.values());
                out.write(buf.array());
            }
            CRC32C crc = new CRC32C();
            crc.update(bytes.toByteArray());
            out.writeInt((int) crc.getValue());
            AtomicFiles.write(file, bytes.toByteArray());
            String json = "{\"space\":\"" + spaceId + "\",\"subnet\":" + SubnetJson.write(subnet) + ",\"id\":\""
                    + subnet.id() + "\",\"parameters\":" + sub.parameters().parameterCount() + "}\n";
            AtomicFiles.write(Path.of(file + ".json"), json.getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * Loads a model onto {@code ctx}.
     *
     * @throws IOException naming the file: missing, not a model, unknown version, truncated, checksum
     *                     mismatch, or inconsistent contents
     */
    public static Model read(Path file, ComputeContext ctx) throws IOException {
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IOException(file + ": cannot read the model (" + e.getMessage() + ")", e);
        }
        if (all.length < 8 + 4 + 4 + 4 + 4 || !new String(all, 0, 8, StandardCharsets.US_ASCII).equals(MAGIC)) {
            throw new IOException(file + ": not a compofa model (missing " + MAGIC + " header)");
        }
        CRC32C crc = new CRC32C();
        crc.update(all, 0, all.length - 4);
        int stored = ByteBuffer.wrap(all, all.length - 4, 4).getInt();
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(all, 8, all.length - 12))) {
            int version = in.readInt();
            if (version != VERSION) {
                throw new IOException(file + ": model format version " + version + "; this library reads " + VERSION);
            }
            if ((int) crc.getValue() != stored) {
                throw new IOException(file + ": checksum mismatch (truncated or altered file)");
            }
            int hl = in.readInt();
            if (hl < 0 || hl > all.length) {
                throw new IOException(file + ": corrupt header length " + hl);
            }
            Map<String, String> header = new LinkedHashMap<>();
            for (String line : new String(in.readNBytes(hl), StandardCharsets.UTF_8).split("\n")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    header.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
            Subnet subnet = SubnetJson.parse(require(file, header, "subnet"));
            MobileNetV3Geometry g = geometry(file, header);
            int n = in.readInt();
            List<NamedArray> arrays = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String name = new String(in.readNBytes(in.readInt()), StandardCharsets.UTF_8);
                int[] shape = new int[in.readInt()];
                long count = 1;
                for (int d = 0; d < shape.length; d++) {
                    shape[d] = in.readInt();
                    count *= shape[d];
                }
                float[] v = new float[Math.toIntExact(count)];
                ByteBuffer.wrap(in.readNBytes(4 * v.length)).asFloatBuffer().get(v);
                arrays.add(new NamedArray(name, shape, v));
            }
            Network net = new Network(ctx, NetworkSpec.of(g, subnet), 0);
            try {
                net.parameters().load(arrays);
            } catch (IllegalArgumentException e) {
                net.close();
                throw new IOException(file + ": weights do not match the architecture: " + e.getMessage(), e);
            }
            return new Model(net, subnet, require(file, header, "space"));
        } catch (java.io.EOFException | IllegalArgumentException | ArithmeticException e) {
            throw new IOException(file + ": corrupt model (" + e.getMessage() + ")", e);
        }
    }

    private static Map<String, String> header(MobileNetV3Geometry g, Subnet subnet, String spaceId) {
        StageTable t = g.table();
        Map<String, String> h = new LinkedHashMap<>();
        h.put("subnet", SubnetJson.write(subnet));
        h.put("space", spaceId);
        h.put("input_channels", Integer.toString(g.inputChannels()));
        h.put("classes", Integer.toString(g.numClasses()));
        h.put("stem", t.stemWidth() + "," + t.stemStride());
        h.put("first_block", Integer.toString(t.firstBlockWidth()));
        StringBuilder st = new StringBuilder();
        for (StageSpec s : t.stages()) {
            st.append(st.isEmpty() ? "" : ";").append(s.width()).append(',').append(s.stride()).append(',')
                    .append(s.activation()).append(',').append(s.squeezeExcite());
        }
        h.put("stages", st.toString());
        h.put("head", t.finalExpandWidth() + "," + t.featureMixWidth());
        return h;
    }

    private static MobileNetV3Geometry geometry(Path file, Map<String, String> h) throws IOException {
        String[] stem = require(file, h, "stem").split(",");
        String[] head = require(file, h, "head").split(",");
        List<StageSpec> stages = new ArrayList<>();
        for (String s : require(file, h, "stages").split(";")) {
            String[] f = s.split(",");
            stages.add(new StageSpec(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Activation.valueOf(f[2]),
                    Boolean.parseBoolean(f[3])));
        }
        StageTable t = new StageTable(Integer.parseInt(stem[0]), Integer.parseInt(stem[1]),
                Integer.parseInt(require(file, h, "first_block")), stages, Integer.parseInt(head[0]),
                Integer.parseInt(head[1]));
        return new MobileNetV3Geometry(t, Integer.parseInt(require(file, h, "input_channels")),
                Integer.parseInt(require(file, h, "classes")));
    }

    private static String require(Path file, Map<String, String> h, String key) throws IOException {
        String v = h.get(key);
        if (v == null) {
            throw new IOException(file + ": header entry '" + key + "' is missing");
        }
        return v;
    }
}
