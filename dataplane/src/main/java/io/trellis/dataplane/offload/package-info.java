/**
 * Offloads in one place (wireguard-go {@code tun/offload_linux.go}): the send side's GSO split
 * ({@link io.trellis.dataplane.offload.TcpSegmenter}: one TSO frame from the TAP → a run of VXLAN
 * datagrams at one stride for UDP GSO sends), the receive side's GRO
 * ({@link io.trellis.dataplane.offload.TcpCoalescer}: TCP segments → one virtio-net GSO frame for
 * one TAP write), checksum completion and partial-checksum detection
 * ({@link io.trellis.dataplane.offload.PartialChecksum}), and the start-up choice between
 * {@link io.trellis.dataplane.offload.LinuxOffload} and
 * {@link io.trellis.dataplane.offload.NoOffload}. Pure functions over {@code ByteBuf}s: no I/O, no
 * allocation per packet, no exceptions on packet bytes; rejections are values the caller counts.
 *
 * <p>Buffer ownership: the caller owns every buffer it passes in — frames to segment or offer,
 * output buffers, virtio headers — and nothing here retains, releases or resizes them; indexes
 * (reader, writer) are never moved. Output written into a caller's buffer is the caller's. A
 * {@code TcpCoalescer} owns its flow-slot and pass-through buffers (direct, unpooled, never
 * released: they live as long as it does); a {@link io.trellis.dataplane.offload.VnetFrameSink}
 * only borrows them for the duration of one call.
 */
package io.trellis.dataplane.offload;
