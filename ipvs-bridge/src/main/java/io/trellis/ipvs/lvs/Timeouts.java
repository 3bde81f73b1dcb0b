package io.trellis.ipvs.lvs;

/**
 * IPVS connection timeouts in seconds, for the whole network namespace (ipvsadm --set). When
 * setting, 0 leaves that timeout as it is.
 *
 * @param tcp established TCP connections
 * @param tcpFin TCP connections after the FIN
 * @param udp UDP "connections"
 */
public record Timeouts(int tcp, int tcpFin, int udp) {

    public Timeouts {
        if (tcp < 0 || tcpFin < 0 || udp < 0) {
            throw new IllegalArgumentException("timeouts are seconds, not negative: " + tcp + " " + tcpFin + " " + udp);
        }
    }
}
