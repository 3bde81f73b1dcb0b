package io.trellis.workload;

import java.net.InetSocketAddress;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --queue redis:6379}: a host and a port, left unresolved so that each connection asks the
 * resolver again (a service name through the embedded DNS, which may answer only once the service runs).
 */
final class HostPortConverter implements ITypeConverter<InetSocketAddress> {
    private static final PortConverter PORT = new PortConverter();

    @Override
    public InetSocketAddress convert(String value) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new TypeConversionException("'" + value + "' is not HOST:PORT");
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return InetSocketAddress.createUnresolved(host, PORT.convert(value.substring(colon + 1)));
    }
}
