package io.trellis.tunnel;

import io.trellis.cli.CliException;
import io.trellis.dataplane.DropReason;
import io.trellis.dataplane.NetworkCounters;
import io.trellis.dataplane.offload.OffloadMode;
import io.trellis.dataplane.secure.EspVtepCounters;
import io.trellis.dataplane.tunnel.PointToPointTunnel;
import io.trellis.dataplane.tunnel.TunnelConfiguration;
import io.trellis.dataplane.tunnel.TunnelEncryption;
import io.trellis.dataplane.vtep.Transport;
import io.trellis.ipsec.esp.EspCounters;
import io.trellis.ipsec.esp.InboundResult;
import io.trellis.ipsec.esp.AesGcmProvider;
import io.trellis.ipsec.keyring.KeyFile;
import io.trellis.ipsec.keyring.KeyFileException;
import io.trellis.ipsec.keyring.MasterKey;
import io.trellis.process.StopSignals;
import java.io.PrintWriter;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code trellis vxlan-tunnel}: a standalone point-to-point overlay to any VXLAN peer (Linux kernel
 * VXLAN or another Trellis). Runs until SIGTERM/SIGINT, then prints its counters. With
 * {@code --key-file} the tunnel is ESP-encrypted (docs/encryption.md) and SIGHUP re-reads the keys.
 */
@Command(name = "vxlan-tunnel", description = "Run a point-to-point VXLAN tunnel to one peer until stopped (root).")
public final class VxlanTunnelCommand implements Callable<Integer> {
    /** Closing the TAP and sockets is quick; this only bounds an exit that is not a signal. */
    private static final Duration STOP_LIMIT_AT_EXIT = Duration.ofSeconds(10);

    @Spec
    CommandSpec spec;

    @Option(names = "--vni", required = true, description = "VXLAN network identifier (1-16777215).") int vni;
    @Option(names = "--local", required = true, paramLabel = "IP", description = "Underlay address to bind.") String local;
    @Option(names = "--remote", required = true, paramLabel = "IP", description = "The peer's underlay address.") String remote;
    @Option(names = "--port", defaultValue = "4789", description = "UDP port (default ${DEFAULT-VALUE}).") int port;
    @Option(names = "--tap", required = true, paramLabel = "NAME", description = "TAP device to create.") String tap;
    @Option(names = "--inner-addr", required = true, paramLabel = "CIDR", description = "The TAP's overlay address, e.g. 10.42.0.1/24.")
    String innerAddr;
    @Option(names = "--mtu", defaultValue = "1450", description = "Overlay MTU (default ${DEFAULT-VALUE}).") int mtu;
    @Option(names = "--transport", defaultValue = "auto", description = "auto, epoll, io_uring or nio (default ${DEFAULT-VALUE}).")
    String transport;
    @Option(names = "--offloads", defaultValue = "auto",
            description = "auto (TAP TSO + UDP GSO/GRO where available) or off (default ${DEFAULT-VALUE}).")
    String offloads;
    @Option(names = "--key-file", paramLabel = "FILE",
            description = "Encrypt with ESP (AES-GCM) on --esp-port instead of plain VXLAN. FILE holds one key of 32 or"
                    + " 64 hex characters (openssl rand -hex 32), optionally a second line with the next key; both ends"
                    + " use the same file. Re-read on SIGHUP. Lowers the MTU by the ESP overhead (1450 -> 1408).")
    Path keyFile;
    @Option(names = "--esp-port", defaultValue = "4500",
            description = "UDP port of the encrypted tunnel, with --key-file (default ${DEFAULT-VALUE}, RFC 3948).")
    int espPort;
    @Option(names = "--metrics-addr", paramLabel = "HOST:PORT",
            description = "Serve Prometheus metrics (the ESP counters) at http://HOST:PORT/metrics, e.g. 127.0.0.1:9108.")
    String metricsAddr;

    @Override
    public Integer call() throws Exception {
        TunnelConfiguration cfg;
        TunnelEncryption encryption = null;
        KeyFile keys = keyFile == null ? null : new KeyFile(keyFile);
        try {
            int slash = innerAddr.indexOf('/');
            if (slash < 0) {
                throw new IllegalArgumentException("invalid --inner-addr \"" + innerAddr + "\": expected IP/PREFIX");
            }
            OffloadMode mode = OffloadMode.parse(offloads);
            cfg = new TunnelConfiguration(vni, ipv4("--local", local), ipv4("--remote", remote), port, tap,
                    ipv4("--inner-addr", innerAddr.substring(0, slash)), prefix(innerAddr.substring(slash + 1)), mtu,
                    Transport.parse(transport, mode == OffloadMode.AUTO), mode);
            if (keys != null) {
                encryption = new TunnelEncryption(espPort, keys.reload());
            } else if (spec.commandLine().getParseResult().hasMatchedOption("--esp-port")) {
                throw new IllegalArgumentException("--esp-port needs --key-file: without keys the tunnel is plain VXLAN on --port");
            }
            if (metricsAddr != null && !metricsAddr.matches("[A-Za-z0-9.-]+:\\d{1,5}")) {
                throw new IllegalArgumentException("invalid --metrics-addr \"" + metricsAddr
                        + "\": expected HOST:PORT, e.g. 127.0.0.1:9108");
            }
        } catch (IllegalArgumentException | KeyFileException e) {
            throw CliException.user(e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PointToPointTunnel tunnel;
        try {
            tunnel = PointToPointTunnel.start(cfg, encryption);
        } catch (java.io.IOException | IllegalStateException e) {
            throw CliException.user("cannot start the tunnel: " + e.getMessage());
        }
        TunnelMetrics metrics = null;
        if (metricsAddr != null) {
            try {
                metrics = TunnelMetrics.serve(metricsAddr, tunnel);
            } catch (java.io.IOException e) {
                tunnel.close();
                throw CliException.user("cannot serve --metrics-addr " + metricsAddr + ": " + e.getMessage());
            }
        }
        TunnelMetrics served = metrics;
        RotationReminder reminder = tunnel.esp() == null ? null : new RotationReminder(tunnel.esp().keys().keyRing(vni), out);
        Runnable stop = () -> {
            if (reminder != null) {
                reminder.close();
            }
            tunnel.close();
            if (served != null) {
                served.close();
            }
            printCounters(out, tunnel);
        };
        StopSignals signals = StopSignals.install(stop, STOP_LIMIT_AT_EXIT);
        if (keys != null) {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), s -> new Thread(() -> reload(keys, tunnel, out, err), "reload").start());
        }
        if (encryption == null) {
            out.printf("tunnel up: %s %s/%d vni %d, %s:%d -> %s:%d (%s, offloads %s); stop with Ctrl-C%n",
                    tunnel.tapName(), cfg.innerAddress().getHostAddress(), cfg.prefixLength(), vni, local, port, remote,
                    port, tunnel.transport().label(), tunnel.offloadLabel());
        } else {
            out.printf("tunnel up: %s %s/%d vni %d mtu %d, ESP %s:%d -> %s:%d, %s, %s (%s, offloads %s); reload keys"
                            + " with SIGHUP, stop with Ctrl-C%n",
                    tunnel.tapName(), cfg.innerAddress().getHostAddress(), cfg.prefixLength(), vni, tunnel.mtu(), local,
                    espPort, remote, espPort, describe(encryption.keys()), AesGcmProvider.status(),
                    tunnel.transport().label(), tunnel.offloadLabel());
        }
        if (metrics != null) {
            out.printf("metrics: http://%s/metrics%n", metrics.address());
        }
        out.flush();
        signals.await();
        return 0;
    }

    /** SIGHUP: the key file's new lines replace the keys; a file that does not parse changes nothing. */
    private static synchronized void reload(KeyFile keys, PointToPointTunnel tunnel, PrintWriter out, PrintWriter err) {
        try {
            List<MasterKey> next = keys.reload();
            tunnel.updateKeys(next);
            out.println("keys reloaded: " + describe(next));
            out.flush();
        } catch (KeyFileException | RuntimeException e) {
            err.println("keys not reloaded, the current ones stay: " + e.getMessage());
            err.flush();
        }
    }

    /** "sending with key 1a2b3c4d, also accepting key 5e6f7a8b": ids only, never key material. */
    private static String describe(List<MasterKey> keys) {
        String s = String.format("sending with key %08x", keys.get(0).id());
        return keys.size() > 1 ? s + String.format(", also accepting key %08x", keys.get(1).id()) : s;
    }

    private static void printCounters(PrintWriter out, PointToPointTunnel t) {
        NetworkCounters c = t.counters();
        out.printf("tap->vtep: %d packets %d bytes; vtep->tap: %d packets %d bytes%n",
                c.toVtepPackets.sum(), c.toVtepBytes.sum(), c.toPortsPackets.sum(), c.toPortsBytes.sum());
        StringBuilder drops = new StringBuilder("drops:");
        for (DropReason r : DropReason.values()) {
            drops.append(' ').append(r.label()).append('=').append(c.drops(r));
        }
        drops.append(" malformed_datagram=").append(t.vtepCounters().malformed.sum())
                .append(" unknown_vni=").append(t.vtepCounters().unknownVni.sum())
                .append(" unknown_peer_datagram=").append(t.vtepCounters().unknownPeer.sum());
        out.println(drops);
        if (t.esp() != null) {
            EspCounters e = t.esp().counters();
            EspVtepCounters d = t.esp().drops();
            out.printf("esp: encrypted %d packets %d bytes; decrypted %d packets %d bytes%n",
                    e.packetsEncrypted(), e.bytesEncrypted(), e.packetsDecrypted(), e.bytesDecrypted());
            StringBuilder esp = new StringBuilder("esp drops:");
            for (InboundResult r : InboundResult.values()) {
                if (r != InboundResult.OK) {
                    esp.append(' ').append(r.label()).append('=').append(e.drops(r));
                }
            }
            esp.append(" not_udp=").append(d.notUdp.sum()).append(" inner_malformed=").append(d.innerMalformed.sum())
                    .append(" wrong_network=").append(d.wrongNetwork.sum()).append("; send: no_key=").append(d.noKey.sum())
                    .append(" queue_full=").append(d.queueFull.sum()).append(" send_failed=").append(d.sendFailed.sum())
                    .append(" sequence_exhausted=").append(e.sequenceExhausted());
            out.println(esp);
        }
        out.flush();
    }

    private static Inet4Address ipv4(String flag, String value) {
        try {
            if (value.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
                InetAddress a = InetAddress.getByName(value);
                if (a instanceof Inet4Address v4) {
                    return v4;
                }
            }
        } catch (java.net.UnknownHostException e) {
            // falls through to the error
        }
        throw new IllegalArgumentException("invalid " + flag + " \"" + value + "\": expected an IPv4 address");
    }

    private static int prefix(String p) {
        try {
            return Integer.parseInt(p);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid --inner-addr prefix \"" + p + "\": expected 1-32");
        }
    }
}
