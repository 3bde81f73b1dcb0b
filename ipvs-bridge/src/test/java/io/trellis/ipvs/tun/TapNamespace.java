package io.trellis.ipvs.tun;

import io.trellis.ipvs.netns.Commands;
import io.trellis.ipvs.netns.NetworkNamespace;
import io.trellis.ipvs.netns.ScratchMountDir;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A fresh network namespace to open TAPs in, and the kernel side of it driven with {@code ip}
 * through nsenter (tests may shell out; the product may not). Closing closes every device opened
 * through it, then deletes the namespace: an open TAP would keep the namespace alive.
 */
final class TapNamespace implements AutoCloseable {

    static final String TAP_IP = "10.77.0.1";
    static final String PEER_IP = "10.77.0.2";
    static final String TAP_MAC = "02:00:00:00:00:01";
    static final String PEER_MAC = "02:00:00:00:00:02";

    private final ScratchMountDir scratch;
    private final NetworkNamespace namespace;
    private final List<TapDevice> devices = new ArrayList<>();

    private TapNamespace(ScratchMountDir scratch, NetworkNamespace namespace) {
        this.scratch = scratch;
        this.namespace = namespace;
    }

    /**
     * Skips the calling test with one line unless it may create namespaces. IPv6 is off in the
     * namespace so no router solicitation or DAD frame turns up among the ones a test expects.
     */
    static TapNamespace createOrSkip() throws IOException, InterruptedException {
        ScratchMountDir scratch = ScratchMountDir.createOrSkip();
        TapNamespace lab = new TapNamespace(scratch, NetworkNamespace.create(scratch.resolve("tap")));
        lab.run("sysctl", "-q", "-w", "net.ipv6.conf.default.disable_ipv6=1", "net.ipv6.conf.all.disable_ipv6=1");
        return lab;
    }

    /** Opens a TAP inside the namespace; the device is closed by {@link #close()} if not before. */
    TapDevice open(TapOptions options) throws Exception {
        TapDevice device = namespace.call(() -> TapDevice.open(options));
        devices.add(device);
        return device;
    }

    /** Gives the TAP {@link #TAP_MAC} and {@link #TAP_IP}/24 and brings it up. */
    void configure(String ifname) throws IOException, InterruptedException {
        run("ip", "link", "set", ifname, "address", TAP_MAC);
        run("ip", "addr", "add", TAP_IP + "/24", "dev", ifname);
        run("ip", "link", "set", ifname, "up");
    }

    /** A permanent neighbour entry, so the kernel sends to {@link #PEER_IP} without asking by ARP. */
    void addPeerNeighbour(String ifname) throws IOException, InterruptedException {
        run("ip", "neigh", "add", PEER_IP, "lladdr", PEER_MAC, "dev", ifname, "nud", "permanent");
    }

    /** {@code ip -o link show}: one line per interface. */
    String links() throws IOException, InterruptedException {
        return run("ip", "-o", "link", "show");
    }

    /** Runs {@code command} in the namespace, asserting success, and returns its output. */
    String run(String... command) throws IOException, InterruptedException {
        return Commands.run(inNamespace(command));
    }

    /** Starts {@code command} in the namespace without waiting for it. */
    Process start(String... command) throws IOException {
        return new ProcessBuilder(inNamespace(command)).redirectErrorStream(true).start();
    }

    @Override
    public void close() throws IOException {
        devices.forEach(TapDevice::close);
        scratch.close();
    }

    private String[] inNamespace(String... command) {
        return Stream.concat(Stream.of("nsenter", "--net=" + namespace.path()), Stream.of(command))
                .toArray(String[]::new);
    }
}
