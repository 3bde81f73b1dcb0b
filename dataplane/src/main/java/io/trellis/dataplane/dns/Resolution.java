package io.trellis.dataplane.dns;

import java.net.Inet4Address;
import java.util.List;
import java.util.Objects;

/**
 * A {@link NameDirectory}'s answer for one name and record type.
 *
 * <p>TTL: 600 s by default, as Docker's embedded resolver answers. Clients inside tasks rarely
 * cache (glibc does not), and a VIP stays the same for a service's life; a directory that answers
 * with task addresses ({@code tasks.<service>}, dnsrr) may pass a shorter TTL.
 *
 * @param kind what the answer is
 * @param addresses the A records, for {@link Kind#RECORDS} only; empty otherwise
 * @param ttlSeconds the TTL of those records
 */
public record Resolution(Kind kind, List<Inet4Address> addresses, int ttlSeconds) {
    public static final int DEFAULT_TTL_SECONDS = 600;

    private static final Resolution NO_DATA = new Resolution(Kind.NO_DATA, List.of(), 0);
    private static final Resolution NOT_OURS = new Resolution(Kind.NOT_OURS, List.of(), 0);

    public enum Kind {
        /** A known name with these IPv4 addresses (an A answer; none is the same as {@link #NO_DATA}). */
        RECORDS,
        /** A known name without records of the asked type: NOERROR and no answer (AAAA for a service). */
        NO_DATA,
        /** Not a cluster name: forwarded to the node's resolvers. */
        NOT_OURS
    }

    public Resolution {
        Objects.requireNonNull(kind, "kind");
        addresses = List.copyOf(addresses);
        if (kind != Kind.RECORDS && !addresses.isEmpty()) {
            throw new IllegalArgumentException(kind + " carries no addresses");
        }
        if (ttlSeconds < 0) {
            throw new IllegalArgumentException("negative TTL " + ttlSeconds);
        }
    }

    /** A records with the default TTL. */
    public static Resolution addresses(List<Inet4Address> addresses) {
        return new Resolution(Kind.RECORDS, addresses, DEFAULT_TTL_SECONDS);
    }

    public static Resolution addresses(List<Inet4Address> addresses, int ttlSeconds) {
        return new Resolution(Kind.RECORDS, addresses, ttlSeconds);
    }

    public static Resolution noData() {
        return NO_DATA;
    }

    public static Resolution notOurs() {
        return NOT_OURS;
    }
}
