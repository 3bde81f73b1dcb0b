package io.trellis.stack.compose;

import java.util.List;
import java.util.Map;

/**
 * One entry of {@code services:}. A null field was not given (a later file of a merge keeps the earlier
 * one's); {@code env_file} is already read into {@code environment}, where a null value is a variable named
 * without a value that the environment does not set either.
 *
 * @param networks    network key → aliases, in the order given (the first gives the default route)
 * @param labels      the containers' labels ({@code labels:}); the service's own are {@code deploy.labels}
 */
public record ServiceDef(String image, List<String> command, List<String> entrypoint, Map<String, String> environment,
                         List<PortDef> ports, Map<String, List<String>> networks, List<MountDef> volumes,
                         List<SecretUse> secrets, HealthcheckDef healthcheck, String stopGracePeriod, String user,
                         List<String> capAdd, List<String> capDrop, Map<String, String> labels, DeployDef deploy) {

    public ServiceDef {
        command = Maps.copyOrNull(command);
        entrypoint = Maps.copyOrNull(entrypoint);
        environment = Maps.copyOrNull(environment);
        ports = Maps.copyOrNull(ports);
        networks = Maps.copyOrNull(networks);
        volumes = Maps.copyOrNull(volumes);
        secrets = Maps.copyOrNull(secrets);
        capAdd = Maps.copyOrNull(capAdd);
        capDrop = Maps.copyOrNull(capDrop);
        labels = Maps.copyOrNull(labels);
    }

    /** A published port: {@code protocol} tcp or udp, {@code mode} ingress or host; {@code published} null: any. */
    public record PortDef(int target, Integer published, String protocol, String mode) {
    }

    /**
     * A mount: {@code type} volume, bind or tmpfs; {@code source} a volume key, a host path or null.
     * Kept for the volumes support of the API (not applied by {@code stack deploy} yet).
     */
    public record MountDef(String type, String source, String target, boolean readOnly) {
    }

    /** A secret handed to the tasks: the file {@code /run/secrets/TARGET}, owner and mode (null: defaults). */
    public record SecretUse(String source, String target, Integer uid, Integer gid, Integer mode) {
    }
}
