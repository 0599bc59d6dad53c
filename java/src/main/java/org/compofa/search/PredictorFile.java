package org.compofa.search;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.compofa.report.AtomicFiles;

/**
 * The accuracy predictor's file: magic {@code CMPFPRED}, int version, the space id (modified
 * UTF-8), int layer count and the layer widths, int parameter count and the fp32 parameters (big
 * endian), then the CRC32C of everything before it. Written through a temporary file and an atomic
 * rename; reading checks magic, checksum, version, space and shape before trusting any number.
 */
final class PredictorFile {
    static final String MAGIC = "CMPFPRED";
    static final int VERSION = 1;
    private static final int MAX_LAYERS = 18;

    private PredictorFile() {
    }

    /** What a file holds. */
    record Contents(int[] sizes, float[] params) {
    }

    static void write(Path file, String spaceId, int[] sizes, float[] params) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 4 * params.length);
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(MAGIC.getBytes(StandardCharsets.US_ASCII));
        out.writeInt(VERSION);
        out.writeUTF(spaceId);
        out.writeInt(sizes.length);
        for (int s : sizes) {
            out.writeInt(s);
        }
        out.writeInt(params.length);
        ByteBuffer buf = ByteBuffer.allocate(4 * params.length);
        buf.asFloatBuffer().put(params);
        out.write(buf.array());
        CRC32C crc = new CRC32C();
        crc.update(bytes.toByteArray());
        out.writeInt((int) crc.getValue());
        AtomicFiles.write(file, bytes.toByteArray());
    }

    /**
     * Reads a file for the space {@code spaceId} whose encoding has {@code inputs} dimensions.
     *
     * @throws IOException naming the file and what is wrong with it
     */
    static Contents read(Path file, String spaceId, int inputs) throws IOException {
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IOException(file + ": cannot read the accuracy predictor (" + e + ")", e);
        }
        if (all.length < MAGIC.length() + 8
                || !new String(all, 0, MAGIC.length(), StandardCharsets.US_ASCII).equals(MAGIC)) {
            throw new IOException(file + ": not a compofa accuracy predictor (missing the " + MAGIC + " header)");
        }
        CRC32C crc = new CRC32C();
        crc.update(all, 0, all.length - 4);
        int stored = ByteBuffer.wrap(all, all.length - 4, 4).getInt();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(all, MAGIC.length(),
                all.length - MAGIC.length() - 4))) {
            int version = in.readInt();
            if (version != VERSION) {
                throw new IOException(file + ": accuracy predictor format version " + version
                        + "; this library reads version " + VERSION);
            }
            if ((int) crc.getValue() != stored) {
                throw new IOException(file + ": checksum mismatch (the accuracy predictor is truncated or corrupt)");
            }
            String space = in.readUTF();
            if (!space.equals(spaceId)) {
                throw new IOException(file + ": an accuracy predictor for space " + space + ", not for " + spaceId);
            }
            int layers = in.readInt();
            if (layers < 3 || layers > MAX_LAYERS) {
                throw new IOException(file + ": " + layers + " layers; expected 3 to " + MAX_LAYERS);
            }
            int[] sizes = new int[layers];
            for (int i = 0; i < layers; i++) {
                sizes[i] = in.readInt();
            }
            checkShape(file, sizes, inputs);
            long expected = 0;
            for (int l = 0; l + 1 < layers; l++) {
                expected += (long) sizes[l] * sizes[l + 1] + sizes[l + 1];
            }
            int count = in.readInt();
            if (count != expected || 4L * count != in.available()) {
                throw new IOException(file + ": " + count + " parameters and " + in.available()
                        + " bytes of them; layers " + Arrays.toString(sizes) + " need " + expected);
            }
            float[] params = new float[count];
            ByteBuffer.wrap(in.readNBytes(4 * count)).asFloatBuffer().get(params);
            return new Contents(sizes, params);
        } catch (EOFException e) {
            throw new IOException(file + ": truncated accuracy predictor", e);
        }
    }

    private static void checkShape(Path file, int[] sizes, int inputs) throws IOException {
        int hidden = sizes[1];
        boolean sameHidden = true;
        for (int l = 1; l < sizes.length - 1; l++) {
            sameHidden &= sizes[l] == hidden;
        }
        if (sizes[0] != inputs || sizes[sizes.length - 1] != 1 || !sameHidden || hidden < 1
                || hidden > PredictorConfig.MAX_HIDDEN_WIDTH) {
            throw new IOException(file + ": layers " + Arrays.toString(sizes) + "; expected " + inputs
                    + " inputs (this space's encoding), equal hidden widths 1 to " + PredictorConfig.MAX_HIDDEN_WIDTH
                    + " and 1 output");
        }
    }
}
