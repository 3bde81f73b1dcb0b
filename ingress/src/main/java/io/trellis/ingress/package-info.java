/**
 * Published ports on every node, backend selection and optional IPVS programming. Filled in by the
 * routing-mesh issue; it never owns cluster state.
 */
package io.trellis.ingress;
