/**
 * The kernel data path of an overlay ({@code --dataplane kernel}): per network a Linux bridge and a
 * kernel VXLAN device with static FDB and neighbour entries, per task a veth pair. No frame passes
 * through this JVM; it only programs the kernel over rtnetlink.
 */
package io.trellis.dataplane.kernel;
