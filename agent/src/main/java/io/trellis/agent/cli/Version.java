package io.trellis.agent.cli;

import picocli.CommandLine.IVersionProvider;

/** The version string, from the jar manifest when built, else the development version. */
public final class Version implements IVersionProvider {
    public static final String DEVELOPMENT = "0.1.0-dev";

    public static String current() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? DEVELOPMENT : v;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"trellis " + current()};
    }
}
