package io.trellis.cli;

import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trellis swarm ...}. */
@Command(name = "swarm", description = "Manage the swarm.", subcommands = {SwarmCommand.Init.class, SwarmCommand.Join.class,
        SwarmCommand.JoinToken.class, SwarmCommand.Leave.class, SwarmCommand.Unlock.class, SwarmCommand.UnlockKey.class,
        SwarmCommand.Update.class, SwarmCaCommand.class})
public final class SwarmCommand {

    @Command(name = "init", description = "Initialize a swarm with this node as its first manager.")
    static final class Init extends ClientCommand {
        @Option(names = "--advertise-addr", paramLabel = "IP", description = "Address other nodes reach this one at.")
        String advertiseAddr;

        @Option(names = "--listen-addr", paramLabel = "IP[:PORT]",
                description = "Where the cluster API (mutual TLS) listens (default: the advertise address, port 2377).")
        String listenAddr;

        @Option(names = "--autolock", description = "Keep the key that opens the Raft log off disk; a restarted "
                + "manager then waits for trellis swarm unlock.")
        boolean autolock;

        @Option(names = "--default-addr-pool", paramLabel = "CIDR",
                description = "Where networks without --subnet get theirs (default 10.0.0.0/8).")
        String defaultAddrPool;

        @Option(names = "--default-addr-pool-mask-length", paramLabel = "N",
                description = "Prefix length of those subnets, from the pool's own up to 29 (default 24).")
        Integer defaultAddrPoolMaskLength;

        @Override
        public Integer call() {
            Map<String, String> body = new java.util.HashMap<>();
            if (advertiseAddr != null) {
                body.put("advertiseAddr", advertiseAddr);
            }
            if (listenAddr != null) {
                body.put("listenAddr", listenAddr);
            }
            if (defaultAddrPool != null) {
                body.put("defaultAddrPool", defaultAddrPool);
            }
            if (defaultAddrPoolMaskLength != null) {
                body.put("defaultAddrPoolMaskLength", defaultAddrPoolMaskLength.toString());
            }
            body.put("autolock", Boolean.toString(autolock));
            Map<?, ?> r = agent().post("/swarm/init", body, Map.class);
            out().printf("Swarm initialized: current node (%s) is now a manager.%n%n", r.get("nodeId"));
            out().printf("To add a worker to this swarm, run trellis swarm join-token worker and follow the instructions.%n");
            out().printf("To add a manager to this swarm, run trellis swarm join-token manager and follow the instructions.%n");
            if (r.get("unlockKey") != null) {
                out().printf("%nTo unlock a swarm manager after it restarts, run trellis swarm unlock and provide the "
                        + "following key:%n%n    %s%n%nRemember to store this key in a password manager: without it "
                        + "a restarted manager cannot read the cluster store.%n", r.get("unlockKey"));
            }
            out().flush();
            return 0;
        }
    }

    @Command(name = "join", description = "Join a swarm as a worker or manager (the token decides).")
    static final class Join extends ClientCommand {
        @Option(names = "--token", required = true, description = "Join token (trellis swarm join-token on a manager).")
        String token;

        @Option(names = "--advertise-addr", paramLabel = "IP", description = "Address other nodes reach this one at.")
        String advertiseAddr;

        @Option(names = "--listen-addr", paramLabel = "IP[:PORT]",
                description = "Where this node's cluster API listens if it joins as a manager (default: advertise address, port 2377).")
        String listenAddr;

        @picocli.CommandLine.Parameters(index = "0", paramLabel = "HOST:PORT", description = "A manager's cluster address.")
        String remote;

        @Override
        public Integer call() {
            Map<String, String> body = new java.util.HashMap<>();
            body.put("token", token);
            body.put("remoteAddr", remote);
            if (advertiseAddr != null) {
                body.put("advertiseAddr", advertiseAddr);
            }
            if (listenAddr != null) {
                body.put("listenAddr", listenAddr);
            }
            Map<?, ?> r = agent().post("/swarm/join", body, Map.class);
            out().printf("This node joined a swarm as a %s.%n", r.get("role"));
            out().flush();
            return 0;
        }
    }

    @Command(name = "leave", description = "Leave the swarm (a manager needs --force).")
    static final class Leave extends ClientCommand {
        @Option(names = {"-f", "--force"}, description = "Leave even though this node is a manager.")
        boolean force;

        @Override
        public Integer call() {
            agent().post("/swarm/leave" + (force ? "?force=true" : ""), Map.of(), Map.class);
            out().println("Node left the swarm.");
            out().flush();
            return 0;
        }
    }

    @Command(name = "unlock-key", description = "Show or rotate the key that unlocks a restarted manager.")
    static final class UnlockKey extends ClientCommand {
        @Option(names = "--rotate", description = "Replace the key; managers restarted from now on need the new one.")
        boolean rotate;
        @Option(names = {"-q", "--quiet"}, description = "Print the key only.") boolean quiet;

        @Override
        public Integer call() {
            Map<?, ?> r = rotate ? agent().post("/swarm/unlock-key/rotate", Map.of(), Map.class)
                    : agent().get("/swarm/unlock-key", Map.class);
            if (quiet) {
                out().println(r.get("unlockKey"));
            } else {
                if (rotate) {
                    out().printf("Successfully rotated manager unlock key.%n%n");
                }
                out().printf("To unlock a swarm manager after it restarts, run trellis swarm unlock and provide the "
                        + "following key:%n%n    %s%n%nRemember to store this key in a password manager.%n",
                        r.get("unlockKey"));
            }
            out().flush();
            return 0;
        }
    }

    @Command(name = "update", description = "Update the swarm's settings.")
    static final class Update extends ClientCommand {
        @Option(names = "--autolock", arity = "1", paramLabel = "true|false",
                description = "Require the unlock key when a manager restarts.")
        String autolock;

        @Override
        public Integer call() {
            if (autolock == null || !autolock.matches("true|false")) {
                throw CliException.user("invalid --autolock \"" + autolock + "\": use true or false");
            }
            Map<?, ?> r = agent().post("/swarm/update", Map.of("autolock", autolock), Map.class);
            out().println("Swarm updated.");
            if (r.get("unlockKey") != null) {
                out().printf("To unlock a swarm manager after it restarts, run trellis swarm unlock and provide the "
                        + "following key:%n%n    %s%n%nRemember to store this key in a password manager.%n",
                        r.get("unlockKey"));
            }
            out().flush();
            return 0;
        }
    }

    @Command(name = "unlock", description = "Unlock a restarted manager of an autolocked swarm (reads the key from stdin).")
    static final class Unlock extends ClientCommand {
        @Override
        public Integer call() throws java.io.IOException {
            java.io.Console console = System.console();
            String key;
            if (console != null) {
                char[] typed = console.readPassword("Enter unlock key: ");
                key = typed == null ? "" : new String(typed);
            } else {
                key = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
                        java.nio.charset.StandardCharsets.UTF_8)).readLine();
            }
            agent().post("/swarm/unlock", Map.of("unlockKey", key == null ? "" : key.strip()), Map.class);
            out().flush();
            return 0;
        }
    }

    @Command(name = "join-token", description = "Show or rotate the token that lets a node join as worker or manager.")
    static final class JoinToken extends ClientCommand {
        @Option(names = "--rotate", description = "Replace the token; the old one stops working at once.") boolean rotate;
        @Option(names = {"-q", "--quiet"}, description = "Print the token only.") boolean quiet;
        @picocli.CommandLine.Parameters(index = "0", paramLabel = "worker|manager") String role;

        @Override
        public Integer call() {
            FlagChecks.joinTokenRole(role);
            String path = "/swarm/join-token/" + java.net.URLEncoder.encode(role, java.nio.charset.StandardCharsets.UTF_8);
            Map<?, ?> r = rotate ? agent().post(path + "/rotate", Map.of(), Map.class) : agent().get(path, Map.class);
            if (quiet) {
                out().println(r.get("token"));
            } else {
                if (rotate) {
                    out().printf("Successfully rotated %s join token.%n%n", r.get("role"));
                }
                out().printf("To add a %s to this swarm, run the following command:%n%n    trellis swarm join --token %s %s%n%n",
                        r.get("role"), r.get("token"), r.get("manager"));
            }
            out().flush();
            return 0;
        }
    }
}
