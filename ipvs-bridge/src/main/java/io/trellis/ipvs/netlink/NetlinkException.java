package io.trellis.ipvs.netlink;

import io.trellis.ipvs.libc.LibCHolder;
import java.io.IOException;
import java.util.Optional;

/**
 * A request the kernel refused, reported as one sentence: {@code "<operation> <target>: <strerror>
 * (errno N)"}, followed by the kernel's own explanation when it sent one in an extended ack, for
 * example {@code "set MTU 10 on link br0: Invalid argument (errno 22): mtu less than device
 * minimum"}. Not a {@link io.trellis.ipvs.NativeException} (that class is final), but the same
 * shape, so callers can treat both alike.
 */
public final class NetlinkException extends IOException {

    private final String operation;
    private final String target;
    private final int errno;
    private final String kernelMessage;

    /** {@code kernelMessage} is the NLMSGERR_ATTR_MSG text, or {@code null} if none came. */
    public NetlinkException(String operation, Object target, int errno, String kernelMessage) {
        super(operation + " " + target + ": " + LibCHolder.LIBC.strerror(errno) + " (errno " + errno + ")"
                + (kernelMessage == null ? "" : ": " + kernelMessage));
        this.operation = operation;
        this.target = String.valueOf(target);
        this.errno = errno;
        this.kernelMessage = kernelMessage;
    }

    public String operation() {
        return operation;
    }

    public String target() {
        return target;
    }

    public int errno() {
        return errno;
    }

    /** The extended-ack message (linux/netlink.h NLMSGERR_ATTR_MSG), if the kernel gave one. */
    public Optional<String> kernelMessage() {
        return Optional.ofNullable(kernelMessage);
    }
}
