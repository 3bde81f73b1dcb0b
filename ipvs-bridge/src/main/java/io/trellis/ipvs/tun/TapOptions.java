package io.trellis.ipvs.tun;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * How to open a {@link TapDevice}. Start from {@link #kernelNamed()} or {@link #named(String)} and
 * add what is needed with the {@code with*} methods.
 *
 * @param name the interface name, a template with {@code %d} such as {@code "trl%d"}, or empty
 *     for the kernel's {@code tap%d}; at most 15 bytes
 * @param vnetHeader whether every frame read or written starts with a
 *     {@link VirtioNetHeader#LENGTH 12-byte} virtio-net header (IFF_VNET_HDR)
 * @param offloads offloads to ask for; the kernel may refuse some, see {@link TapDevice#offloads()}
 * @param nonBlocking whether reads and writes return 0 instead of waiting (O_NONBLOCK)
 * @param multiQueue whether the device may have several queues, one per open (IFF_MULTI_QUEUE):
 *     opening the same name again with the same options attaches another queue
 */
public record TapOptions(String name, boolean vnetHeader, Offloads offloads, boolean nonBlocking,
        boolean multiQueue) {

    /** Room for the name in struct ifreq, without its NUL (linux/if.h IFNAMSIZ). */
    public static final int MAX_NAME_BYTES = TunConstants.IFNAMSIZ - 1;

    public TapOptions {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(offloads, "offloads");
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw new IllegalArgumentException("TAP name '" + name + "' must be at most "
                    + MAX_NAME_BYTES + " bytes long");
        }
        // Without the header the reader could not tell which frames still need a checksum or
        // segmentation, so offloaded frames would be corrupt.
        if (!offloads.isEmpty() && !vnetHeader) {
            throw new IllegalArgumentException("offloads " + offloads + " need the virtio-net header");
        }
    }

    /** A blocking, single-queue TAP without header, named {@code tapN} by the kernel. */
    public static TapOptions kernelNamed() {
        return named("");
    }

    /** A blocking, single-queue TAP without header, named {@code name}. */
    public static TapOptions named(String name) {
        return new TapOptions(name, false, Offloads.NONE, false, false);
    }

    /** Turns on the virtio-net header and asks for {@code wanted} ({@link Offloads#NONE} is fine). */
    public TapOptions withVnetHeader(Offloads wanted) {
        return new TapOptions(name, true, wanted, nonBlocking, multiQueue);
    }

    public TapOptions withNonBlocking() {
        return new TapOptions(name, vnetHeader, offloads, true, multiQueue);
    }

    public TapOptions withMultiQueue() {
        return new TapOptions(name, vnetHeader, offloads, nonBlocking, true);
    }
}
