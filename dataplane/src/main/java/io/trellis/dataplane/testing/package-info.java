/**
 * Test doubles shipped with the data plane (wireguard-go {@code tun/tuntest} style): a port device
 * and an underlay in memory, so switches can be tested together without root.
 */
package io.trellis.dataplane.testing;
