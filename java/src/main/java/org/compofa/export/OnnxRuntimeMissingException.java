package org.compofa.export;

/**
 * An ONNX Runtime feature (the export check, ORT latency tables) was used while ONNX Runtime is not on
 * the class path: it is an optional dependency of compofa. The message names the feature and the exact
 * dependency to add ({@link OnnxRuntime#COORDINATES}).
 */
public final class OnnxRuntimeMissingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what needed ONNX Runtime and what to add */
    OnnxRuntimeMissingException(String message, Throwable cause) {
        super(message, cause);
    }
}
