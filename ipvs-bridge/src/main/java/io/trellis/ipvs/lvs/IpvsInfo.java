package io.trellis.ipvs.lvs;

/**
 * The IPVS code of the running kernel.
 *
 * @param version as ipvsadm shows it, such as {@code 1.2.1}
 * @param connectionTableSize buckets of the connection hash table (the ip_vs conn_tab_bits parameter)
 */
public record IpvsInfo(String version, int connectionTableSize) {
}
