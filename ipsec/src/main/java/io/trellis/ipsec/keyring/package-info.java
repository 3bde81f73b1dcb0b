/**
 * Keys for encrypted overlays: {@link io.trellis.ipsec.keyring.MasterKey} (one secret per network or
 * tunnel, SAs derived from it with HKDF), {@link io.trellis.ipsec.keyring.KeyFile} (the tunnel's
 * {@code --key-file}) and {@link io.trellis.ipsec.keyring.KeyRing} (install, activate, retire; the
 * snapshot the data plane reads). Control path: these classes allocate freely.
 */
package io.trellis.ipsec.keyring;
