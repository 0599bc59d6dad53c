package org.compofa.runtime;

import java.util.Locale;

import org.compofa.bindings.InvalidArgumentException;

/**
 * Which backend to use and why, chosen once from a specification such as the value of the
 * {@value ComputeContext#BACKEND_PROPERTY} property.
 *
 * @param backend the chosen backend
 * @param reason  why, in words (logged by {@link ComputeContext#select()})
 */
public record BackendSelection(Backend backend, String reason) {

    /**
     * Chooses a backend.
     *
     * @param spec {@code reference}, {@code cpu}, {@code cuda} (explicit: never replaced by another,
     *             opening fails when unavailable) or {@code auto} / null / blank (CUDA when available,
     *             else CPU)
     * @return the backend and the reason it was chosen
     * @throws InvalidArgumentException for another value
     */
    public static BackendSelection choose(String spec) {
        String s = spec == null ? "auto" : spec.strip().toLowerCase(Locale.ROOT);
        if (s.isEmpty() || s.equals("auto")) {
            if (Backend.CUDA.isAvailable()) {
                return new BackendSelection(Backend.CUDA, "auto: CUDA available (" + Backend.CUDA.describe() + ")");
            }
            return new BackendSelection(Backend.CPU, "auto: " + Backend.CUDA.describe() + "; using CPU");
        }
        for (Backend b : Backend.values()) {
            if (b.propertyName().equals(s)) {
                return new BackendSelection(b, "requested " + ComputeContext.BACKEND_PROPERTY + "=" + s);
            }
        }
        throw new InvalidArgumentException(ComputeContext.BACKEND_PROPERTY + "='" + spec
                + "': allowed reference, cpu, cuda, auto (default auto = CUDA when available, else CPU)");
    }
}
