package io.trellis.api;


/** The version string, from the jar manifest when built, else the development version. */
public final class Version {
    public static final String DEVELOPMENT = "0.1.0-dev";

    private Version() {
    }

    public static String current() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? DEVELOPMENT : v;
    }
}
