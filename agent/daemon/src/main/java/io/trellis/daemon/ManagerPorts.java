package io.trellis.daemon;

import io.trellis.controlplane.api.ApiException;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * The two ports a manager listens on, Raft (2378) and the cluster API (2377), checked before the
 * replica starts: a port another process holds is the user's to free, so it is refused with one
 * line ("port 2378 is in use ...") while nothing is written or started yet. Without the check the
 * conflict surfaces deep inside Ratis's gRPC start, which on its own would end the whole agent.
 */
final class ManagerPorts {
    private ManagerPorts() {
    }

    /** Refuses (409) unless both {@code raftAddress} and {@code clusterAddress} ({@code host:port}) can be bound. */
    static void requireFree(String raftAddress, String clusterAddress) {
        requireFree(raftAddress, "Raft between managers", "start the agent with another --raft-port");
        requireFree(clusterAddress, "cluster API", "choose another with --listen-addr");
    }

    /** {@code id}'s Raft and cluster addresses. */
    static void requireFree(SwarmIdentity id) {
        requireFree(id.raftAddress(), id.managerAddr());
    }

    private static void requireFree(String address, String what, String remedy) {
        int colon = address.lastIndexOf(':');
        String host = address.substring(0, colon).replace("[", "").replace("]", "");
        int port = Integer.parseInt(address.substring(colon + 1));
        // SO_REUSEADDR as the real servers bind: a connection lingering in TIME_WAIT does not count.
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (BindException e) {
            String reason = e.getMessage() == null ? "" : e.getMessage().toLowerCase(java.util.Locale.ROOT);
            if (reason.contains("in use")) {
                throw new ApiException(ApiException.Kind.CONFLICT, "port " + port + " is in use (" + what + " on "
                        + host + "): stop what listens there, or " + remedy);
            }
            throw new ApiException(ApiException.Kind.CONFLICT, "cannot listen on " + address + " (" + what + "): "
                    + e.getMessage());
        } catch (IOException e) {
            throw new ApiException(ApiException.Kind.CONFLICT, "cannot listen on " + address + " (" + what + "): "
                    + e.getMessage());
        }
    }
}
