/**
 * {@code trellis loadtest}: a wrk2-style load generator for the routing mesh and VIPs. HTTP/1.1
 * keep-alive (or one connection per request) and UDP echo flows on Netty's native transport, an
 * optional constant request rate whose latency counts from each request's intended send time
 * (coordinated-omission correction), HdrHistogram percentiles, errors by kind. Only loopback and
 * the running lab's node addresses are targets unless told otherwise.
 */
package io.trellis.loadtest;
