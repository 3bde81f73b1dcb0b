/**
 * Backend selection for published ports and VIPs: an immutable {@link io.trellis.dataplane.balance.BackendSet}
 * per change of the healthy backends, and a {@link io.trellis.dataplane.balance.Balancer} built over it by
 * name ({@code rr}, {@code least-conn}, {@code maglev}). Picking never locks and never allocates; building
 * a balancer for a new set is the control path. It lives in the dataplane module, below ingress, so that
 * the published ports' proxy ({@code ingress.mesh}) and the VIPs' NAT ({@code dataplane.lb}) share it.
 */
package io.trellis.dataplane.balance;
