package io.trellis.lab;

import java.util.Set;
import java.util.TreeSet;

/** {@code ipvsadm -Ln}'s text as comparable rows: {@code PROT ADDR SCHED -> RS}, or the service alone without any. */
final class IpvsadmListing {
    private IpvsadmListing() {
    }

    static Set<String> rows(String listing) {
        Set<String> rows = new TreeSet<>();
        String service = null;
        boolean hasBackend = false;
        for (String line : listing.lines().toList()) {
            String[] f = line.strip().split("\\s+");
            if (f.length >= 3 && f[0].matches("TCP|UDP|SCTP|FWM")) {
                if (service != null && !hasBackend) {
                    rows.add(service);
                }
                service = f[0] + " " + f[1] + " " + f[2];
                hasBackend = false;
            } else if (service != null && f.length >= 2 && f[0].equals("->")) {
                rows.add(service + " -> " + f[1]);
                hasBackend = true;
            }
        }
        if (service != null && !hasBackend) {
            rows.add(service);
        }
        return rows;
    }
}
