package io.trellis.ipvs.lvs;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;

/**
 * What names an IPVS virtual service: protocol, address and port, or else a firewall mark
 * ({@code fwmark} &gt; 0, with {@code protocol} and {@code address} {@code null} and port 0).
 * Firewall-mark services are IPv4 ones (AF_INET), as ipvsadm makes them without {@code -6}.
 *
 * @param port 0 to 65535; 0 matches every port (for persistent services)
 */
public record ServiceKey(IpvsProtocol protocol, InetAddress address, int port, int fwmark) {

    public ServiceKey {
        if (fwmark != 0) {
            if (protocol != null || address != null || port != 0) {
                throw new IllegalArgumentException("a firewall-mark service has no protocol, address or port");
            }
        } else {
            Objects.requireNonNull(protocol, "protocol");
            Objects.requireNonNull(address, "address");
            if (port < 0 || port > 0xffff) {
                throw new IllegalArgumentException("port " + port + " is not within 0..65535");
            }
        }
    }

    public static ServiceKey tcp(InetAddress address, int port) {
        return new ServiceKey(IpvsProtocol.TCP, address, port, 0);
    }

    public static ServiceKey udp(InetAddress address, int port) {
        return new ServiceKey(IpvsProtocol.UDP, address, port, 0);
    }

    public static ServiceKey sctp(InetAddress address, int port) {
        return new ServiceKey(IpvsProtocol.SCTP, address, port, 0);
    }

    /** A service of the packets netfilter marked {@code mark} (non-zero; compared unsigned). */
    public static ServiceKey fwmark(int mark) {
        if (mark == 0) {
            throw new IllegalArgumentException("firewall mark 0 means no mark");
        }
        return new ServiceKey(null, null, 0, mark);
    }

    public boolean isFwmark() {
        return fwmark != 0;
    }

    public boolean isIpv6() {
        return address instanceof Inet6Address;
    }

    /** As ipvsadm lists it: {@code TCP 10.0.0.2:80}, {@code UDP [fd00::1]:53}, {@code FWM 5}. */
    @Override
    public String toString() {
        if (isFwmark()) {
            return "FWM " + Integer.toUnsignedString(fwmark);
        }
        return protocol + " " + HostPort.of(address, port);
    }
}
