/**
 * Test doubles of the data plane (wireguard-go {@code tun/tuntest} style): a port device and an
 * underlay in memory, so switches can be tested together without root. Test sources only, so the
 * shipped jar carries none of them.
 */
package io.trellis.dataplane.testing;
