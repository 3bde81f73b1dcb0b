/**
 * The routing mesh on one node: each published port as a listener ({@code ingress.proxy}) whose backends are
 * picked by the service's balancer ({@code dataplane.balance}), reconciled from a plan the agent derives from
 * the endpoint maps.
 */
package io.trellis.ingress.mesh;
