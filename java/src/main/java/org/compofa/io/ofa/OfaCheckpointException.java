package org.compofa.io.ofa;

import java.nio.file.Path;
import org.compofa.io.FileFormatException;

/**
 * A readable PyTorch checkpoint that is not an OFA MobileNetV3 compofa can use: other names, a
 * shape that disagrees with the rest, a layout compofa does not run. The message names the tensor.
 */
public final class OfaCheckpointException extends FileFormatException {
    private static final long serialVersionUID = 1L;

    /** What is wrong. */
    public enum Reason implements FileFormatException.Reason {
        /** The keys are not those of OFA's MobileNetV3 (dynamic supernet or static subnet). */
        NOT_OFA_MOBILENETV3("not an OFA MobileNetV3 state dict"),
        /** A tensor's shape disagrees with the shape the other tensors imply. */
        SHAPE_MISMATCH("shape disagrees"),
        /** A tensor the layout needs is absent. */
        MISSING_TENSOR("missing tensor"),
        /** A tensor no part of the layout uses (as load_state_dict(strict=True) refuses it). */
        UNEXPECTED_TENSOR("unexpected tensor"),
        /** An OFA layout compofa's engine does not run (named in the detail). */
        UNSUPPORTED("unsupported OFA layout");

        private final String text;

        Reason(String text) {
            this.text = text;
        }

        @Override
        public String text() {
            return text;
        }
    }

    /** What is wrong, for callers that branch on it. */
    private final Reason reason;

    /**
     * An error about {@code file}.
     *
     * @param file the file concerned
     * @param reason what is wrong
     * @param detail specifics, for the message
     */
    public OfaCheckpointException(Path file, Reason reason, String detail) {
        super("OFA checkpoint", file, reason, detail, null);
        this.reason = reason;
    }

    /**
     * What is wrong.
     *
     * @return the reason
     */
    public Reason reason() {
        return reason;
    }
}
