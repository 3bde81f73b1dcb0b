package io.trellis.ipvs.lvs;

import static io.trellis.ipvs.lvs.IpvsConstants.IP_VS_CONN_F_BYPASS;
import static io.trellis.ipvs.lvs.IpvsConstants.IP_VS_CONN_F_DROUTE;
import static io.trellis.ipvs.lvs.IpvsConstants.IP_VS_CONN_F_LOCALNODE;
import static io.trellis.ipvs.lvs.IpvsConstants.IP_VS_CONN_F_MASQ;
import static io.trellis.ipvs.lvs.IpvsConstants.IP_VS_CONN_F_TUNNEL;

/** How IPVS hands a connection to a real server (ipvsadm's -m, -i, -g; LOCAL and BYPASS are kernel-chosen). */
public enum ForwardMethod {
    /** NAT: the destination address (and port) is rewritten; replies must come back through this host. */
    MASQ(IP_VS_CONN_F_MASQ),
    /** The real server is this host. */
    LOCAL(IP_VS_CONN_F_LOCALNODE),
    /** IP-in-IP to the real server, which answers the client directly. */
    TUNNEL(IP_VS_CONN_F_TUNNEL),
    /** Direct routing: the frame goes to the real server's MAC unchanged; it must own the virtual address. */
    ROUTE(IP_VS_CONN_F_DROUTE),
    BYPASS(IP_VS_CONN_F_BYPASS);

    private final int code;

    ForwardMethod(int code) {
        this.code = code;
    }

    /** The IP_VS_CONN_F_* value of IPVS_DEST_ATTR_FWD_METHOD. */
    public int code() {
        return code;
    }

    /** The method of IP_VS_CONN_F_* {@code code}, or {@code null} if there is none. */
    static ForwardMethod of(int code) {
        for (ForwardMethod method : values()) {
            if (method.code == code) {
                return method;
            }
        }
        return null;
    }
}
