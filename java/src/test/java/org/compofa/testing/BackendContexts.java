package org.compofa.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.EnumMap;
import java.util.Map;

import org.compofa.runtime.Backend;
import org.compofa.runtime.ComputeContext;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One open context per backend for a test class. Asking for CUDA where it is unavailable aborts the
 * test through an assumption, so it is reported SKIPPED (never passed). Registered as a static
 * {@code @RegisterExtension} field, it closes its contexts after the class's tests.
 */
public final class BackendContexts implements AutoCloseable, AfterAllCallback {
    private final Map<Backend, ComputeContext> open = new EnumMap<>(Backend.class);

    /** The context of a backend, opened on first use; CUDA without a device skips the calling test. */
    public synchronized ComputeContext get(Backend backend) {
        if (backend == Backend.CUDA) {
            assumeTrue(Backend.CUDA.isAvailable(), () -> "SKIPPED: " + Backend.CUDA.describe());
        }
        return open.computeIfAbsent(backend, ComputeContext::open);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public synchronized void close() {
        open.values().forEach(ComputeContext::close);
        open.clear();
    }
}
