/**
 * The agent's admin API transport: HTTP/1.1 + JSON on a Unix socket (and optionally TCP), like
 * dockerd's {@code -H}. {@link io.trellis.admin.AdminServer} serves an
 * {@link io.trellis.admin.Router} with Netty epoll; {@link io.trellis.api.client.AdminClient}
 * is its JDK-only counterpart for the short-lived CLI.
 *
 * <p>Buffer ownership: request bytes are copied out of Netty's {@code ByteBuf} before a handler
 * runs, so handlers only see {@code byte[]} and never release anything. Response bytes are wrapped,
 * not copied; the encoder releases the wrapper once written. A {@link io.trellis.admin.ChunkSink}
 * reads the caller's array only until {@code write} returns.
 */
package io.trellis.admin;

import io.trellis.api.client.AdminClient;

