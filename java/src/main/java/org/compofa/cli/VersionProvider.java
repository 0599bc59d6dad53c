package org.compofa.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

import org.compofa.bindings.NativeLibrary;
import picocli.CommandLine.IVersionProvider;

/**
 * {@code --version}: the project version (written into {@code version.properties} by the build), the C
 * ABI these bindings need and the JDK; loads no native code, so it works where the library does not.
 */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
        Properties p = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        }
        return new String[] {"compofa " + p.getProperty("version", "(unknown version: not built by Maven)"),
            "C ABI " + NativeLibrary.EXPECTED_ABI_VERSION + ", JDK " + Runtime.version() + " ("
                    + System.getProperty("java.vm.vendor", "?") + ")"};
    }
}
