/**
 * The L4 proxy behind published ports: {@link io.trellis.ingress.proxy.TcpProxy} (a backend connection per
 * client on the client's event loop, backpressure, half-close, connect retry, idle and removal resets,
 * optional PROXY protocol) and {@link io.trellis.ingress.proxy.UdpProxy} (one connected backend socket per
 * client flow). Backend selection is behind {@link io.trellis.ingress.proxy.BackendChooser}.
 */
package io.trellis.ingress.proxy;
