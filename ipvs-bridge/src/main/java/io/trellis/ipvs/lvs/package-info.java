/**
 * Linux Virtual Server: the kernel's IPVS load balancer, driven over generic netlink
 * (include/uapi/linux/ip_vs.h) the way {@code ipvsadm} drives it, without running it.
 *
 * <p>{@link io.trellis.ipvs.lvs.IpvsClient} is the API: virtual services
 * ({@link io.trellis.ipvs.lvs.VirtualService}, named by a {@link io.trellis.ipvs.lvs.ServiceKey}),
 * their destinations ({@link io.trellis.ipvs.lvs.RealServer}), connection timeouts and the
 * version. {@code IpvsRequests} writes the requests and {@code IpvsReplies} reads the answers;
 * neither sees a socket. {@link io.trellis.ipvs.lvs.IpvsConstants} holds the wire values.
 *
 * <p>Mechanism only, no policy: nothing here decides which services should exist, retries, or
 * flushes the tables; that is the caller's reconciler's job.
 */
package io.trellis.ipvs.lvs;
