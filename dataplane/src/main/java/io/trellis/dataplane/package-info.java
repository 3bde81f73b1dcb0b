/**
 * Per-network virtual switch, VTEP, VIP DNAT and embedded DNS. Filled in by the data-plane issue;
 * it never calls Raft: the agent pushes tables into it as immutable snapshots.
 */
package io.trellis.dataplane;
