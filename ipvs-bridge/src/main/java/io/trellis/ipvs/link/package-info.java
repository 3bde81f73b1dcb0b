/**
 * Interface state through netdevice(7) ioctls: today only the up flag, enough to bring {@code lo}
 * up in a fresh namespace. Binds the ioctls; decides nothing about which interfaces should be up.
 */
package io.trellis.ipvs.link;
