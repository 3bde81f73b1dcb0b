package io.trellis.daemon;

import io.trellis.api.NetworkOption;
import io.trellis.controlplane.api.ApiException;
import io.trellis.controlplane.api.NetworkApi;
import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.NetworkAttachmentSpec;
import io.trellis.controlplane.store.ServiceSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The network fields of admin API requests turned into what the store holds: IDs, labels, modes. */
final class NetworkRequests {
    private NetworkRequests() {
    }

    /** {@code --network} values resolved to network IDs (the store keeps IDs), in order, with their aliases. */
    static List<NetworkAttachmentSpec> attachments(ClusterSnapshot view, List<String> flags) {
        List<NetworkOption> options = options("--network", flags);
        List<String> ids = NetworkApi.resolve(view, options.stream().map(NetworkOption::network).toList());
        List<NetworkAttachmentSpec> specs = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            specs.add(new NetworkAttachmentSpec(ids.get(i), options.get(i).aliases()));
        }
        return specs;
    }

    /** {@code --network-add} values by name; {@code ClusterApi.updateNetworks} resolves them. */
    static List<NetworkAttachmentSpec> byName(List<String> flags) {
        return options("--network-add", flags).stream()
                .map(o -> new NetworkAttachmentSpec(o.network(), o.aliases())).toList();
    }

    private static List<NetworkOption> options(String flag, List<String> flags) {
        List<NetworkOption> options = new ArrayList<>();
        for (String f : flags == null ? List.<String>of() : flags) {
            try {
                options.add(NetworkOption.parse(flag, f));
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid(e.getMessage());
            }
        }
        return options;
    }

    /** {@code --endpoint-mode}: vip (also when not given) or dnsrr. */
    static ServiceSpec.EndpointMode endpointMode(String mode) {
        if (mode == null) {
            return ServiceSpec.EndpointMode.VIP;
        }
        return switch (mode.toLowerCase(Locale.ROOT)) {
            case "vip" -> ServiceSpec.EndpointMode.VIP;
            case "dnsrr" -> ServiceSpec.EndpointMode.DNSRR;
            default -> throw ApiException.invalid("invalid --endpoint-mode \"" + mode + "\": use vip or dnsrr");
        };
    }

    /** {@code --label KEY=VALUE} or {@code KEY} (empty value); a later key wins, as in Docker. */
    static Map<String, String> labels(List<String> labels) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String l : labels == null ? List.<String>of() : labels) {
            int eq = l.indexOf('=');
            String key = eq < 0 ? l : l.substring(0, eq);
            if (key.isEmpty() || key.chars().anyMatch(c -> Character.isWhitespace(c) || c == 0)) {
                throw ApiException.invalid("invalid --label \"" + l + "\": expected KEY=VALUE with a key that is not"
                        + " empty and has no whitespace");
            }
            map.put(key, eq < 0 ? "" : l.substring(eq + 1));
        }
        return map;
    }
}
