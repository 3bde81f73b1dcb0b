package io.trellis.ipvs.tun;

import io.trellis.ipvs.NativeException;

/**
 * Finds the largest part of a wanted offload set that the kernel takes. TUNSETOFFLOAD is all or
 * nothing: drivers/net/tun.c {@code set_offload()} answers EINVAL if any flag is left unknown or
 * unmet (TSO without CSUM, ECN without TSO, USO4 without USO6) and then changes nothing, so after a
 * refusal the last accepted set is still in force.
 */
final class OffloadNegotiation {

    /** One TUNSETOFFLOAD attempt. */
    @FunctionalInterface
    interface Kernel {
        /** Returns true if the kernel took {@code bits}, false if it refused them with EINVAL. */
        boolean trySet(int bits) throws NativeException;
    }

    private OffloadNegotiation() {
    }

    /**
     * Tries {@code wanted} whole; if refused, adds its flags one at a time from the lowest bit,
     * keeping each the kernel takes. Lowest first is also dependency order: CSUM before TSO before
     * ECN. USO4 and USO6 are tried as a pair because set_offload() takes neither alone.
     */
    static Offloads negotiate(Offloads wanted, Kernel kernel) throws NativeException {
        if (wanted.isEmpty() || kernel.trySet(wanted.bits())) {
            return wanted;
        }
        int accepted = 0;
        int remaining = wanted.bits();
        while (remaining != 0) {
            int step = Integer.lowestOneBit(remaining);
            if (step == Offloads.USO4.bits()) {
                step |= remaining & Offloads.USO6.bits();
            }
            remaining &= ~step;
            if (kernel.trySet(accepted | step)) {
                accepted |= step;
            }
        }
        return new Offloads(accepted);
    }
}
