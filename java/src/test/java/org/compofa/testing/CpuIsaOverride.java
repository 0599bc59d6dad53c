package org.compofa.testing;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test JVM's CPU ops with the ISA named by the system property {@value CpuIsa#PROPERTY}
 * (the pom's {@code cpu-avx2-conformance} execution sets "avx2"); does nothing without it.
 * Registered through META-INF/services, active where JUnit's extension autodetection is enabled.
 */
public final class CpuIsaOverride implements BeforeAllCallback {
    @Override
    public void beforeAll(ExtensionContext context) {
        String isa = System.getProperty(CpuIsa.PROPERTY);
        if (isa != null && !isa.isEmpty() && !CpuIsa.set(isa)) {
            throw new IllegalStateException(CpuIsa.PROPERTY + "=" + isa + ": this CPU or build lacks it");
        }
    }
}
