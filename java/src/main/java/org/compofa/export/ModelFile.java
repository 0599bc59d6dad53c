package org.compofa.export;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.compofa.data.Preprocessing;
import org.compofa.nn.Network;
import org.compofa.nn.SubnetExtractor;
import org.compofa.report.AtomicFiles;
import org.compofa.report.JsonText;
import org.compofa.runtime.ComputeContext;
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
 * and moved into place; a truncated, altered or malformed file fails to load with a
 * {@link ModelFileException} naming it ({@link ModelFileReader} holds the checks).
 */
public final class ModelFile {
    /** First eight bytes. */
    public static final String MAGIC = "CMPFMODL";
    /** Format version written and read. */
    public static final int VERSION = 1;

    private ModelFile() {
    }

    /**
     * A loaded model: the static network (caller closes it), the subnet to run on it, its space id
     * and how to feed it (null in a file written without it).
     *
     * @param network the static network; the caller closes it
     * @param subnet the subnet to run on it
     * @param spaceId id of the space it came from
     * @param preprocessing how to feed it, or null for a file written without
     */
    public record Model(Network network, Subnet subnet, String spaceId, Preprocessing preprocessing) {
    }

    /**
     * {@link #write(Path, Network, Subnet, String, Preprocessing)} without preprocessing metadata.
     *
     * @param file the file to write
     * @param supernet the trained supernet
     * @param subnet the subnet to extract
     * @param spaceId id of the supernet's space
     * @throws java.io.IOException if the file cannot be written
     */
    public static void write(Path file, Network supernet, Subnet subnet, String spaceId) throws IOException {
        write(file, supernet, subnet, spaceId, null);
    }

    /**
     * Extracts {@code subnet} from {@code supernet} and writes it to {@code file} (plus {@code
     * file.json}) with how to feed it ({@code compofa.preprocessing.*} header entries; null: none).
     *
     * @param file the file to write
     * @param supernet the trained supernet
     * @param subnet the subnet to extract
     * @param spaceId id of the supernet's space
     * @param preprocessing how to feed the model
     * @throws java.io.IOException if the file cannot be written
     */
    public static void write(Path file, Network supernet, Subnet subnet, String spaceId, Preprocessing preprocessing)
            throws IOException {
        if (preprocessing != null && preprocessing.resolution() != subnet.resolution()) {
            throw new IllegalArgumentException("preprocessing for " + preprocessing.resolution() + " px, the subnet runs "
                    + "at " + subnet.resolution());
        }
        try (Network sub = SubnetExtractor.extract(supernet, subnet)) {
            Map<String, String> header = header(sub.spec().geometry(), subnet, spaceId);
            if (preprocessing != null) {
                header.putAll(preprocessing.metadata());
            }
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
            Map<String, Object> side = new LinkedHashMap<>();
            side.put("space", spaceId);
            side.put("subnet", SubnetJson.fields(subnet));
            side.put("id", subnet.id());
            side.put("parameters", sub.parameters().parameterCount());
            String json = JsonText.compact(side) + "\n";
            AtomicFiles.write(Path.of(file + ".json"), json.getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * Loads a model onto {@code ctx}. The file is untrusted: every length and count in it is
     * bounded by the bytes left, and the architecture its header describes by the weights it holds,
     * before anything is allocated.
     *
     * @param file a {@code .cmpf} file, untrusted
     * @param ctx the context the network is created on
     * @return the model; close its network
     * @throws ModelFileException naming the file and what is wrong: missing or unreadable, not a
     *                            model, unknown version, truncated, checksum mismatch, a malformed
     *                            length, count, header or array, or weights that do not fit the
     *                            architecture
     */
    public static Model read(Path file, ComputeContext ctx) throws ModelFileException {
        return ModelFileReader.read(file, ctx);
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
}
