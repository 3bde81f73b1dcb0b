/**
 * Backend selection for published ports and VIPs: an immutable {@link io.trellis.ingress.balance.BackendSet}
 * per change of the healthy backends, and a {@link io.trellis.ingress.balance.Balancer} built over it by
 * name ({@code rr}, {@code least-conn}, {@code maglev}). Picking never locks and never allocates; building
 * a balancer for a new set is the control path.
 */
package io.trellis.ingress.balance;
