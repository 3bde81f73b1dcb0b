package io.trellis.daemon;

import io.trellis.controlplane.allocator.Ipv4Subnet;
import io.trellis.controlplane.api.ApiException;
import io.trellis.controlplane.api.NetworkApi;
import io.trellis.controlplane.store.ClusterInfo;

/**
 * {@code swarm init --default-addr-pool CIDR --default-addr-pool-mask-length N}: where networks
 * without {@code --subnet} get theirs, checked before anything is created.
 */
record AddressPool(String cidr, int subnetSize) {

    static final AddressPool DEFAULT = new AddressPool(ClusterInfo.ADDRESS_POOL_DEFAULT, ClusterInfo.SUBNET_SIZE_DEFAULT);

    /**
     * @param cidr       null for the default pool
     * @param subnetSize null for the default prefix length
     */
    static AddressPool of(String cidr, Integer subnetSize) {
        Ipv4Subnet pool;
        try {
            pool = Ipv4Subnet.parse(cidr == null ? DEFAULT.cidr : cidr);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("invalid --default-addr-pool: " + e.getMessage());
        }
        int size = subnetSize == null ? DEFAULT.subnetSize : subnetSize;
        if (size < pool.prefixLength() || size > NetworkApi.LONGEST_PREFIX) {
            throw ApiException.invalid("invalid --default-addr-pool-mask-length " + size + ": must be between "
                    + pool.prefixLength() + " (the prefix length of " + pool + ") and " + NetworkApi.LONGEST_PREFIX);
        }
        return new AddressPool(pool.toString(), size);
    }
}
