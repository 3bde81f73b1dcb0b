/**
 * The Apache Ratis adapter: {@link io.trellis.controlplane.raft.RaftReplica} runs one Raft peer
 * and is the store's {@link io.trellis.controlplane.store.Proposer};
 * {@link io.trellis.controlplane.raft.StoreStateMachine} feeds committed entries and snapshots to a
 * {@link io.trellis.controlplane.store.ReplicatedState}. Entries and replies cross as opaque
 * {@code byte[]}, always copied at the boundary, so callers keep ownership of the arrays they pass
 * and receive. No Ratis type leaves this package.
 *
 * <p>Ratis logs every channel event, property read and election step at INFO. The loggers to lower
 * in the agent's logback configuration: {@code org.apache.ratis} as a whole, or selectively
 * {@code org.apache.ratis.server.impl} (RaftServerImpl, StateMachineUpdater, LeaderElection),
 * {@code org.apache.ratis.server.RaftServerConfigKeys} and {@code org.apache.ratis.netty} (every
 * property read), {@code org.apache.ratis.thirdparty.io.netty.handler.logging.LoggingHandler} (every
 * channel event of the Netty RPC), {@code org.apache.ratis.server.raftlog.segmented} (segment rolls),
 * {@code org.apache.ratis.server.storage} and {@code org.apache.ratis.util} (JMX, pause monitor).
 *
 * <p>Ratis's Dropwizard metrics stay internal, but {@code ratis-metrics-dropwizard3} must be on the
 * class path: without it the server fails to start ({@code MetricRegistriesImpl} not found).
 */
package io.trellis.controlplane.raft;
