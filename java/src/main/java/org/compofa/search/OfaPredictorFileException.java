package org.compofa.search;

import java.nio.file.Path;
import org.compofa.io.FileFormatException;

/**
 * A PyTorch file read as OFA's accuracy predictor ({@link OfaAccuracyPredictor}) whose state dict
 * is not that predictor's. The message reads {@code OFA accuracy predictor <file>: <reason>: <detail>}.
 * A file that is not a readable PyTorch checkpoint at all gives a
 * {@link org.compofa.io.torch.TorchCheckpointException} instead.
 */
public final class OfaPredictorFileException extends FileFormatException {
    private static final long serialVersionUID = 1L;

    /** What is wrong. */
    public enum Reason implements FileFormatException.Reason {
        /** Keys missing or extra: not {@code 0,2,4,6 .weight/.bias}. */
        WRONG_KEYS("not OFA's accuracy predictor (wrong keys)"),
        /** A tensor of another shape than the 128-400-400-400-1 MLP needs. */
        SHAPE_MISMATCH("shape mismatch"),
        /** An integer or bool tensor where a weight belongs. */
        NOT_FLOATING("not a floating tensor"),
        /** A NaN or infinite weight (the predictions would be meaningless). */
        NON_FINITE("non-finite weight");

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
     * @param file the file read
     * @param reason what is wrong
     * @param detail specifics, for the message
     */
    public OfaPredictorFileException(Path file, Reason reason, String detail) {
        super("OFA accuracy predictor", file, reason, detail, null);
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
