package io.trellis.dataplane.dns;

import io.netty.handler.codec.dns.DnsRecordType;

/**
 * What the cluster knows about names, as one task may see them: the agent implements it from its
 * endpoint maps (service names, {@code <stack>_<service>} and network aliases to VIPs on the asking
 * task's networks, {@code tasks.<service>} and dnsrr services to task addresses).
 *
 * <p>Called on the DNS event loop for every query: it must answer from memory, without blocking.
 */
@FunctionalInterface
public interface NameDirectory {

    /**
     * @param taskId the task whose namespace the query came from
     * @param name the name asked for, in lower case and without the trailing dot ({@code "web"},
     *     {@code "tasks.web"}); the empty string for the root
     * @param type the record type asked for
     * @return never null; {@link Resolution#notOurs()} for a name the cluster does not know
     */
    Resolution resolve(String taskId, String name, DnsRecordType type);
}
