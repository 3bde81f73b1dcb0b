/**
 * Built-in workloads used as task commands ({@code trellis workload http|echo}), like
 * traefik/whoami: they answer with the task and node that served the request, so a user can watch
 * the routing mesh spread load. The http workload runs on Netty and reads PROXY protocol headers
 * with Netty's decoder, so it shows the client a proxy relayed as well as the proxy itself; no JSON
 * library, and each server single-purpose, so that they start fast and stay small.
 */
package io.trellis.workload;
