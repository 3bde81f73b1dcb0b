package io.trellis.ipvs.tun;

import static io.trellis.ipvs.tun.TunConstants.EAGAIN;
import static io.trellis.ipvs.tun.TunConstants.EFD_CLOEXEC;
import static io.trellis.ipvs.tun.TunConstants.EFD_NONBLOCK;
import static io.trellis.ipvs.tun.TunConstants.EINTR;
import static io.trellis.ipvs.tun.TunConstants.POLLERR;
import static io.trellis.ipvs.tun.TunConstants.POLLFD_EVENTS_OFFSET;
import static io.trellis.ipvs.tun.TunConstants.POLLFD_REVENTS_OFFSET;
import static io.trellis.ipvs.tun.TunConstants.POLLFD_SIZE;
import static io.trellis.ipvs.tun.TunConstants.POLLHUP;
import static io.trellis.ipvs.tun.TunConstants.POLLIN;

import io.trellis.ipvs.NativeException;
import io.trellis.ipvs.libc.LibCHolder;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * Waits until one descriptor is readable, and lets another thread cut the wait short. poll(2) on
 * the descriptor plus an eventfd(2): {@link #wakeup()} adds to the eventfd's counter, which makes
 * it readable and ends the poll. The pollfd array and the eventfd's 8-byte buffers are allocated
 * once, so a wait allocates nothing.
 */
final class FdPoller implements AutoCloseable {

    private static final TunLibC LIBC = TunLibCHolder.LIBC;
    private static final int COUNTER_SIZE = Long.BYTES; // eventfd(2) reads and writes a uint64_t

    private final String target;
    private final int eventFd;
    private final Pointer pollFds;   // [0] the watched descriptor, [1] the eventfd
    private final Pointer drained;   // the waiting thread reads the counter into this
    private final Pointer increment; // holds 1; any thread writes it, nobody changes it

    FdPoller(int fd, String target) throws NativeException {
        this.target = target;
        this.eventFd = NativeException.check(LIBC.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC),
                "create wake-up eventfd for", target);
        jnr.ffi.Runtime runtime = TunLibCHolder.RUNTIME;
        pollFds = Memory.allocateDirect(runtime, 2 * POLLFD_SIZE, true);
        pollFds.putInt(0, fd);
        pollFds.putShort(POLLFD_EVENTS_OFFSET, POLLIN);
        pollFds.putInt(POLLFD_SIZE, eventFd);
        pollFds.putShort(POLLFD_SIZE + POLLFD_EVENTS_OFFSET, POLLIN);
        drained = Memory.allocateDirect(runtime, COUNTER_SIZE, true);
        increment = Memory.allocateDirect(runtime, COUNTER_SIZE, true);
        increment.putLong(0, 1);
    }

    /**
     * Waits up to {@code timeoutMillis} (negative: without limit). Returns true if the descriptor
     * is readable or has an error or hang-up that a read will report; false on timeout, on a
     * signal, or if {@link #wakeup()} was called during or since the last wait, which it consumes.
     * For one thread at a time.
     */
    boolean await(int timeoutMillis) throws NativeException {
        int ready = LIBC.poll(pollFds.address(), 2, timeoutMillis);
        if (ready < 0) {
            int errno = LibCHolder.errno();
            if (errno == EINTR) {
                return false;
            }
            throw new NativeException("poll", target, errno);
        }
        if (ready == 0) {
            return false;
        }
        if (pollFds.getShort(POLLFD_SIZE + POLLFD_REVENTS_OFFSET) != 0) {
            // Reading resets the counter; EAGAIN if another wait drained it first is harmless.
            LIBC.read(eventFd, drained.address(), COUNTER_SIZE);
            return false;
        }
        return (pollFds.getShort(POLLFD_REVENTS_OFFSET) & (POLLIN | POLLERR | POLLHUP)) != 0;
    }

    /** Ends the current wait, or the next one if none is under way. Safe from any thread. */
    void wakeup() throws NativeException {
        // EAGAIN only if the counter would pass 2^64 - 2: the waiter is woken already.
        if (LIBC.write(eventFd, increment.address(), COUNTER_SIZE) < 0) {
            int errno = LibCHolder.errno();
            if (errno != EAGAIN) {
                throw new NativeException("wake up poll on", target, errno);
            }
        }
    }

    @Override
    public void close() {
        LIBC.close(eventFd);
    }
}
