package io.trellis.controlplane.store;

import java.util.Locale;

/**
 * A published port: {@code --publish published=P,target=T,protocol=tcp|udp,mode=ingress|host}.
 *
 * @param published     the port clients reach on a node (1-65535; the API picks one for 0 in ingress mode)
 * @param target        the port the task listens on
 * @param protocol      TCP or UDP
 * @param mode          {@code ingress}: every node listens and balances over the tasks cluster-wide through the
 *                      ingress overlay; {@code host}: only nodes running a task listen, straight to it
 * @param proxyProtocol whether the backend connection starts with a PROXY protocol header (TCP only)
 */
public record PortConfig(int published, int target, Protocol protocol, PublishMode mode,
                         ProxyProtocolVersion proxyProtocol) {

    public enum Protocol { TCP, UDP }

    public enum PublishMode { INGRESS, HOST }

    /** HAProxy's PROXY protocol header sent first on each backend connection: none, text v1 or binary v2. */
    public enum ProxyProtocolVersion { NONE, V1, V2 }

    public PortConfig {
        protocol = protocol == null ? Protocol.TCP : protocol;
        mode = mode == null ? PublishMode.INGRESS : mode;
        proxyProtocol = proxyProtocol == null ? ProxyProtocolVersion.NONE : proxyProtocol;
    }

    public boolean ingress() {
        return mode == PublishMode.INGRESS;
    }

    /** Whether two ports would need the same listener on some node: same number and protocol. */
    public boolean sameListener(PortConfig other) {
        return published == other.published && protocol == other.protocol;
    }

    /** Docker's {@code PORTS} notation: {@code *:8080->80/tcp}, or {@code 8080->80/tcp} for host mode. */
    public String display() {
        return (ingress() ? "*:" : "") + published + "->" + target + "/" + protocol.name().toLowerCase(Locale.ROOT);
    }
}
