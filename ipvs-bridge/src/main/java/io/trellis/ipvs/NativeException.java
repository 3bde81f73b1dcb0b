package io.trellis.ipvs;

import io.trellis.ipvs.libc.LibCHolder;
import java.io.IOException;

/**
 * A failed system call, reported as one sentence: {@code "<operation> <target>: <strerror> (errno
 * N)"}, for example {@code "setns into /run/netns/blue: Invalid argument (errno 22)"}.
 */
public final class NativeException extends IOException {

    private final String operation;
    private final String target;
    private final int errno;

    public NativeException(String operation, Object target, int errno) {
        super(operation + " " + target + ": " + LibCHolder.LIBC.strerror(errno) + " (errno " + errno + ")");
        this.operation = operation;
        this.target = String.valueOf(target);
        this.errno = errno;
    }

    /**
     * Returns {@code result} when a libc call succeeded (non-negative), otherwise throws with the
     * errno it saved. Call it straight after the native call, on the same thread.
     */
    public static int check(int result, String operation, Object target) throws NativeException {
        if (result < 0) {
            throw new NativeException(operation, target, LibCHolder.errno());
        }
        return result;
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
}
