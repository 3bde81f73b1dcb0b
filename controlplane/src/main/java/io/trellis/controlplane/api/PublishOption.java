package io.trellis.controlplane.api;

import io.trellis.controlplane.store.PortConfig;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Parses {@code --publish} the way Docker does: the short form {@code [P:]T[/tcp|/udp]} and the long form
 * {@code published=P,target=T,protocol=tcp|udp,mode=ingress|host}, plus Trellis's
 * {@code proxy-protocol=v1|v2}. A published port left out is 0: the API picks one for ingress mode.
 */
public final class PublishOption {
    private PublishOption() {
    }

    public static PortConfig parse(String flag, String text) {
        if (text == null || text.isBlank()) {
            throw invalid(flag, text, "give [PUBLISHED:]TARGET[/PROTOCOL] or published=P,target=T");
        }
        return text.contains("=") ? parseLong(flag, text) : parseShort(flag, text);
    }

    private static PortConfig parseShort(String flag, String text) {
        String ports = text;
        PortConfig.Protocol protocol = PortConfig.Protocol.TCP;
        int slash = text.indexOf('/');
        if (slash >= 0) {
            protocol = protocol(flag, text, text.substring(slash + 1));
            ports = text.substring(0, slash);
        }
        String[] parts = ports.split(":", -1);
        if (parts.length > 2) {
            throw invalid(flag, text, "a host IP cannot be given: published ports listen on every address");
        }
        int published = parts.length == 2 ? port(flag, text, parts[0], "published") : 0;
        int target = port(flag, text, parts[parts.length - 1], "target");
        return new PortConfig(published, target, protocol, PortConfig.PublishMode.INGRESS, null);
    }

    private static PortConfig parseLong(String flag, String text) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String part : text.split(",", -1)) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw invalid(flag, text, "expected KEY=VALUE pairs separated by commas");
            }
            String key = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            if (fields.put(key, part.substring(eq + 1).trim()) != null) {
                throw invalid(flag, text, key + " is given twice");
            }
        }
        int published = 0;
        Integer target = null;
        PortConfig.Protocol protocol = PortConfig.Protocol.TCP;
        PortConfig.PublishMode mode = PortConfig.PublishMode.INGRESS;
        PortConfig.ProxyProtocolVersion proxy = PortConfig.ProxyProtocolVersion.NONE;
        for (Map.Entry<String, String> f : fields.entrySet()) {
            String v = f.getValue();
            switch (f.getKey()) {
                case "published" -> published = port(flag, text, v, "published");
                case "target" -> target = port(flag, text, v, "target");
                case "protocol" -> protocol = protocol(flag, text, v);
                case "mode" -> mode = mode(flag, text, v);
                case "proxy-protocol" -> proxy = proxyProtocol(flag, text, v);
                default -> throw invalid(flag, text, "unknown field " + f.getKey()
                        + " (use published, target, protocol, mode, proxy-protocol)");
            }
        }
        if (target == null) {
            throw invalid(flag, text, "target is required");
        }
        if (proxy != PortConfig.ProxyProtocolVersion.NONE && protocol != PortConfig.Protocol.TCP) {
            throw invalid(flag, text, "proxy-protocol works only with protocol=tcp");
        }
        if (mode == PortConfig.PublishMode.HOST && published == 0) {
            throw invalid(flag, text, "mode=host needs a published port");
        }
        return new PortConfig(published, target, protocol, mode, proxy);
    }

    private static int port(String flag, String text, String value, String what) {
        try {
            int p = Integer.parseInt(value.trim());
            if (p >= 1 && p <= 65_535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // reported below with the allowed range
        }
        throw invalid(flag, text, what + " port \"" + value + "\" must be a number between 1 and 65535");
    }

    private static PortConfig.Protocol protocol(String flag, String text, String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "tcp" -> PortConfig.Protocol.TCP;
            case "udp" -> PortConfig.Protocol.UDP;
            default -> throw invalid(flag, text, "unknown protocol \"" + value + "\": use tcp or udp");
        };
    }

    private static PortConfig.PublishMode mode(String flag, String text, String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "ingress" -> PortConfig.PublishMode.INGRESS;
            case "host" -> PortConfig.PublishMode.HOST;
            default -> throw invalid(flag, text, "unknown mode \"" + value + "\": use ingress or host");
        };
    }

    private static PortConfig.ProxyProtocolVersion proxyProtocol(String flag, String text, String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "v1" -> PortConfig.ProxyProtocolVersion.V1;
            case "v2" -> PortConfig.ProxyProtocolVersion.V2;
            case "none" -> PortConfig.ProxyProtocolVersion.NONE;
            default -> throw invalid(flag, text, "unknown proxy-protocol \"" + value + "\": use v1, v2 or none");
        };
    }

    private static ApiException invalid(String flag, String text, String why) {
        return ApiException.invalid("invalid " + flag + " \"" + text + "\": " + why);
    }
}
