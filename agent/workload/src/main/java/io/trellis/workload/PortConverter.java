package io.trellis.workload;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --port}: a TCP/UDP port a server can bind, 1–65535. */
final class PortConverter implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
        try {
            int port = Integer.parseInt(value);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below like an out-of-range number
        }
        throw new TypeConversionException("'" + value + "' is not a port; use 1-65535");
    }
}
