package io.trellis.ipvs.udp;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.SaveError;

/** The one call the UDP sender needs: sendmsg(2), for a UDP_SEGMENT control message. Public for JNR. */
public interface UdpLibC {
    @SaveError
    long sendmsg(int fd, Pointer msg, int flags);
}
