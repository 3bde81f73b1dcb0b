/**
 * UDP sends the JDK and Netty do not expose on every transport: one {@code sendmsg} with a
 * {@code UDP_SEGMENT} control message for a run of equal-sized datagrams. Bindings only, no policy.
 */
package io.trellis.ipvs.udp;
