/**
 * The resolver of every task at 127.0.0.11:53 ({@link io.trellis.dataplane.dns.EmbeddedDns}), as
 * Docker's embedded DNS: cluster names from the agent's {@link io.trellis.dataplane.dns.NameDirectory},
 * everything else forwarded to the node's resolvers.
 *
 * <p>Messages are read and written with Netty's DNS codec only; the server touches the wire format
 * for two things the codec has no API for: the ID of a relayed upstream answer, and the byte count
 * that decides truncation (measured by encoding, see {@code ResponseSize}). This is not a per-packet
 * path of the data plane: a task sends a few queries per connection it opens, and each query is
 * decoded into objects, so it allocates.
 *
 * <p>Buffer ownership: decoded queries belong to the listener's handler and are released when it
 * returns (the forwarder retains the OPT record it sends on); answers are released by the encoders
 * once written; an upstream's answer is retained once and handed to the client's channel.
 */
package io.trellis.dataplane.dns;
