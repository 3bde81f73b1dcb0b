package io.trellis.ipvs.lvs;

import java.io.IOException;

/** The kernel has no IPVS: the ip_vs module is neither loaded nor loadable. */
public final class IpvsUnavailableException extends IOException {

    public IpvsUnavailableException(String reason) {
        super(reason);
    }
}
