/**
 * Services' virtual IPs, balanced by the switch of the node that sends to them (as Docker Swarm's
 * IPVS does, without the kernel): {@link io.trellis.dataplane.lb.VipNat} translates a client's
 * packets to a backend and the backend's replies back, {@link io.trellis.dataplane.lb.Conntrack}
 * remembers each flow's backend, {@link io.trellis.dataplane.lb.VipTable} is a network's VIPs in
 * the switch tables' snapshot, and {@link io.trellis.dataplane.lb.VipStats} is what
 * {@code trellis vip ls} shows. No allocation and no lock on an established flow's packets.
 */
package io.trellis.dataplane.lb;
