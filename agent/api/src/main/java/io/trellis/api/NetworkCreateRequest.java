package io.trellis.api;

import java.util.List;

/**
 * Body of {@code POST /networks} ({@code network create}).
 *
 * @param driver  "overlay", or {@code null} for it
 * @param subnet  CIDR, or {@code null}: the next subnet of the swarm's address pool
 * @param gateway needs {@code subnet}; {@code null}: the subnet's first host address
 * @param opts    {@code --opt} entries: {@code encrypted}, {@code encrypted=true|false}
 * @param labels  {@code KEY=VALUE} or {@code KEY}
 */
public record NetworkCreateRequest(String name, String driver, String subnet, String gateway, boolean attachable,
                                   List<String> opts, List<String> labels) {
}
