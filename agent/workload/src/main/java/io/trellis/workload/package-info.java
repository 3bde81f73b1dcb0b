/**
 * Built-in workloads used as task commands ({@code trellis workload http|echo}), like
 * traefik/whoami: they answer with the task and node that served the request, so a user can watch
 * the routing mesh spread load. JDK only (no Netty, no JSON library) and single-purpose, so that
 * they start fast and stay small.
 */
package io.trellis.workload;
