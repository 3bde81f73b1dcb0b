package io.trellis.cli;

import io.trellis.api.Version;
import picocli.CommandLine.IVersionProvider;

/** What {@code trellis --version} prints. */
public final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"trellis " + Version.current()};
    }
}
