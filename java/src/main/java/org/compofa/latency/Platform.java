package org.compofa.latency;

import java.util.Objects;

/**
 * Where latencies were measured: a short name used as the table key (e.g. {@code cpu-b1}), the
 * device and software in words, the batch and the threads.
 *
 * @param name     {@code [A-Za-z0-9._-]+}
 * @param device   e.g. the CPU model or the GPU name
 * @param software e.g. {@code compofa CPU backend, OpenBLAS, JDK 25}
 * @param batch    images per inference, >= 1
 * @param threads  CPU threads (0 = default)
 */
public record Platform(String name, String device, String software, int batch, int threads) {
    /** Checks the fields. */
    public Platform {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(software, "software");
        if (name == null || !name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("platform name '" + name + "' must match [A-Za-z0-9._-]+");
        }
        if (batch < 1 || threads < 0) {
            throw new IllegalArgumentException("platform " + name + ": batch " + batch + " must be >= 1, threads "
                    + threads + " >= 0");
        }
        if (device.contains("\n") || software.contains("\n")) {
            throw new IllegalArgumentException("platform " + name + ": device and software must be one line each");
        }
    }

    /**
     * This machine's CPU model from /proc/cpuinfo (or os.arch when unreadable).
     *
     * @return the CPU model name
     */
    public static String cpuModel() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim() + " x "
                            + Runtime.getRuntime().availableProcessors();
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // fall through to the generic name
        }
        return System.getProperty("os.arch") + " x " + Runtime.getRuntime().availableProcessors();
    }
}
