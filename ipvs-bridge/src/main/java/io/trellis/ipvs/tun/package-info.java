/**
 * TUN/TAP devices for the user-space data plane: {@link io.trellis.ipvs.tun.TapDevice} binds
 * {@code /dev/net/tun} with TUNSETIFF (IFF_TAP, IFF_NO_PI, optionally IFF_VNET_HDR and
 * IFF_MULTI_QUEUE), TUNSETVNETHDRSZ and TUNSETOFFLOAD (linux/if_tun.h), plus read, write and a
 * wakeable poll; {@link io.trellis.ipvs.tun.VirtioNetHeader} names the fields of the header that
 * carries checksum and GSO state (linux/virtio_net.h). Mechanism only, no policy: which offloads to
 * ask for, how to segment or coalesce, and how to react to a truncated or refused frame are the
 * data plane's decisions. Nothing here shells out to {@code ip}.
 *
 * <p>Buffer ownership: the caller owns every buffer and address it passes. A device reads or
 * fills it during the call only and keeps no reference, so the caller may reuse or release it as
 * soon as the call returns, including after an exception. The device owns its descriptors and
 * releases them in {@code close()}.
 */
package io.trellis.ipvs.tun;
