package io.trellis.ipvs.tun;

import java.util.StringJoiner;

/**
 * A set of TAP offload flags as TUNSETOFFLOAD takes them ({@code TUN_F_*} in linux/if_tun.h). With
 * an offload on, the kernel may hand the reader frames whose checksum is still to be filled in
 * ({@link #CSUM}) or that are larger than the MTU and still to be segmented ({@link #TSO4} and the
 * rest), and says so in the {@link VirtioNetHeader} before each frame. An open set: bits with no
 * name here (newer kernels add some) are kept and printed in hex.
 *
 * @param bits the {@code TUN_F_*} flags, ORed
 */
public record Offloads(int bits) {

    public static final Offloads NONE = new Offloads(0);
    /** TUN_F_CSUM: frames may carry a partial checksum (virtio NEEDS_CSUM); the others need it. */
    public static final Offloads CSUM = new Offloads(0x01);
    /** TUN_F_TSO4: TCP over IPv4 may arrive unsegmented (needs {@link #CSUM}). */
    public static final Offloads TSO4 = new Offloads(0x02);
    /** TUN_F_TSO6: TCP over IPv6 may arrive unsegmented (needs {@link #CSUM}). */
    public static final Offloads TSO6 = new Offloads(0x04);
    /** TUN_F_TSO_ECN: unsegmented TCP may have CWR set (needs {@link #TSO4} or {@link #TSO6}). */
    public static final Offloads TSO_ECN = new Offloads(0x08);
    /** TUN_F_USO4: UDP over IPv4 may arrive unsegmented (Linux 6.2+; only with {@link #USO6}). */
    public static final Offloads USO4 = new Offloads(0x20);
    /** TUN_F_USO6: UDP over IPv6 may arrive unsegmented (Linux 6.2+; only with {@link #USO4}). */
    public static final Offloads USO6 = new Offloads(0x40);

    private static final Offloads[] NAMED = {CSUM, TSO4, TSO6, TSO_ECN, USO4, USO6};
    private static final String[] NAMES = {"CSUM", "TSO4", "TSO6", "TSO_ECN", "USO4", "USO6"};

    /** Every offload named here: what a data plane that handles all of them would ask for. */
    public static final Offloads ALL = CSUM.plus(TSO4).plus(TSO6).plus(TSO_ECN).plus(USO4).plus(USO6);

    public Offloads plus(Offloads other) {
        return new Offloads(bits | other.bits);
    }

    public Offloads minus(Offloads other) {
        return new Offloads(bits & ~other.bits);
    }

    /** Whether every flag of {@code other} is in this set. */
    public boolean contains(Offloads other) {
        return (bits & other.bits) == other.bits;
    }

    public boolean isEmpty() {
        return bits == 0;
    }

    /** Names joined by {@code |}, for example {@code CSUM|TSO4|0x100}; {@code NONE} when empty. */
    @Override
    public String toString() {
        if (bits == 0) {
            return "NONE";
        }
        StringJoiner joined = new StringJoiner("|");
        int unnamed = bits;
        for (int i = 0; i < NAMED.length; i++) {
            if (contains(NAMED[i])) {
                joined.add(NAMES[i]);
                unnamed &= ~NAMED[i].bits;
            }
        }
        if (unnamed != 0) {
            joined.add("0x" + Integer.toHexString(unnamed));
        }
        return joined.toString();
    }
}
