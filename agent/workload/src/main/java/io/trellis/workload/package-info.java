/**
 * Built-in workloads used as task commands ({@code trellis workload http|echo}), like
 * traefik/whoami: they answer with the task and node that served the request, so a user can watch
 * the routing mesh spread load. The http workload runs on Netty and reads PROXY protocol headers
 * with Netty's decoder, so it shows the client a proxy relayed as well as the proxy itself; no JSON
 * library, and each server single-purpose, so that they start fast and stay small.
 *
 * <p>{@code vote}, {@code queue}, {@code worker}, {@code store} and {@code result} are Docker's example
 * voting app, so that it deploys as a stack on nodes without images: two web pages on the same Netty
 * server, and two line services (Netty's line codec) for the queue and the durable counts.
 */
package io.trellis.workload;
