/**
 * Built-in workloads used as task commands ({@code trellis workload http|echo}), like
 * traefik/whoami: they answer with the task and node that served the request, so a user can watch
 * the routing mesh spread load. JDK only and single-purpose, so that they start in a blink and
 * a thousand replicas fit on a laptop.
 */
package io.trellis.agent.workload;
