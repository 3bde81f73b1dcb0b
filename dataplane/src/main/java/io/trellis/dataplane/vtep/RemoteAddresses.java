package io.trellis.dataplane.vtep;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Socket addresses of remote VTEPs on one UDP port, made once per VTEP: the switch names VTEPs by
 * their IPv4 as an int, and Netty's datagram path needs an {@link InetSocketAddress}.
 */
public final class RemoteAddresses {
    private final int port;
    private final ConcurrentHashMap<Integer, InetSocketAddress> cache = new ConcurrentHashMap<>();

    public RemoteAddresses(int port) {
        this.port = port;
    }

    public InetSocketAddress of(int ipv4) {
        return cache.computeIfAbsent(ipv4, ip -> {
            byte[] a = {(byte) (ip >>> 24), (byte) (ip >>> 16), (byte) (ip >>> 8), (byte) (int) ip};
            try {
                return new InetSocketAddress(InetAddress.getByAddress(a), port);
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e); // cannot happen for a 4-byte address
            }
        });
    }
}
