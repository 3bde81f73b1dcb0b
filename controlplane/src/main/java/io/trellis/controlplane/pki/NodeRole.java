package io.trellis.controlplane.pki;

import java.util.Locale;

/** The role a node certificate grants, carried in the certificate's OU like swarmkit's. */
public enum NodeRole {
    MANAGER("swarm-manager"), WORKER("swarm-worker");

    private final String organizationalUnit;

    NodeRole(String ou) {
        this.organizationalUnit = ou;
    }

    public String organizationalUnit() {
        return organizationalUnit;
    }

    public static NodeRole fromOrganizationalUnit(String ou) {
        for (NodeRole r : values()) {
            if (r.organizationalUnit.equals(ou)) {
                return r;
            }
        }
        throw new IllegalArgumentException("certificate role \"" + ou + "\" is neither swarm-manager nor swarm-worker");
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
