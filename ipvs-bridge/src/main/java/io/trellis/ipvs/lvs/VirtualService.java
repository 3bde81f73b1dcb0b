package io.trellis.ipvs.lvs;

import static io.trellis.ipvs.lvs.IpvsConstants.IP_VS_SVC_F_PERSISTENT;

import java.util.Objects;

/**
 * An IPVS virtual service: what {@code ipvsadm -A} creates and {@code -L} lists.
 *
 * <p>{@code scheduler} is passed to the kernel as it is; the kernel loads {@code ip_vs_NAME} for
 * it on first use (ENOENT if there is no such module). Common ones: {@code rr} round robin,
 * {@code wrr} weighted round robin, {@code lc} least connections, {@code sh} source hashing,
 * {@code mh} Maglev hashing (ip_vs_mh, Linux 4.18+: consistent, so a changed server set moves few
 * clients). sh and mh read {@link IpvsConstants#IP_VS_SVC_F_SCHED1} (fall back to another server)
 * and {@link IpvsConstants#IP_VS_SVC_F_SCHED2} (hash the source port too) from {@code flags}.
 *
 * @param flags IP_VS_SVC_F_* bits; read back without the kernel's own IP_VS_SVC_F_HASHED
 * @param timeoutSeconds persistence timeout, used with IP_VS_SVC_F_PERSISTENT; 0 without
 * @param netmask persistence granularity as a prefix length: clients whose addresses share it go
 *     to the same server; 32 (IPv4) or 128 (IPv6) means one client address
 * @param stats counters as the kernel reported them; {@code null} in what is sent
 */
public record VirtualService(ServiceKey key, String scheduler, int flags, int timeoutSeconds, int netmask,
        IpvsStats stats) {

    public VirtualService {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(scheduler, "scheduler");
        if (timeoutSeconds < 0) {
            throw new IllegalArgumentException("persistence timeout " + timeoutSeconds + " is negative");
        }
        if (netmask < 0 || netmask > maxPrefix(key)) {
            throw new IllegalArgumentException("netmask /" + netmask + " is not within 0.." + maxPrefix(key));
        }
    }

    /** A service without persistence, scheduled by {@code scheduler}. */
    public static VirtualService of(ServiceKey key, String scheduler) {
        return new VirtualService(key, scheduler, 0, 0, maxPrefix(key), null);
    }

    /** This service, with each client kept on its server for {@code seconds} after its last connection. */
    public VirtualService withPersistence(int seconds) {
        return new VirtualService(key, scheduler, flags | IP_VS_SVC_F_PERSISTENT, seconds, netmask, stats);
    }

    public VirtualService withFlags(int newFlags) {
        return new VirtualService(key, scheduler, newFlags, timeoutSeconds, netmask, stats);
    }

    /** The longest netmask of the key's family: 128 for IPv6, else 32. */
    static int maxPrefix(ServiceKey key) {
        return key.isIpv6() ? 128 : 32;
    }
}
