package io.trellis.daemon;

import com.fasterxml.jackson.core.type.TypeReference;
import io.netty.handler.ssl.SslContext;
import io.trellis.admin.AdminRequest;
import io.trellis.admin.AdminResponse;
import io.trellis.admin.AdminServer;
import io.trellis.admin.Router;
import io.trellis.api.ContainerOptions;
import io.trellis.api.Json;
import io.trellis.api.NetworkCreateRequest;
import io.trellis.api.NodeUpdateRequest;
import io.trellis.api.NodeView;
import io.trellis.api.ServiceCreateRequest;
import io.trellis.api.ServiceUpdateRequest;
import io.trellis.api.VipView;
import io.trellis.controlplane.api.ApiException;
import io.trellis.controlplane.api.ContainerLabelOptions;
import io.trellis.controlplane.api.JoinTokens;
import io.trellis.controlplane.api.MountOption;
import io.trellis.controlplane.api.PublishOption;
import io.trellis.controlplane.api.RuntimeOption;
import io.trellis.controlplane.api.SandboxOptions;
import io.trellis.controlplane.api.SandboxUpdates;
import io.trellis.controlplane.api.SecretOption;
import io.trellis.controlplane.api.ServiceMounts;
import io.trellis.controlplane.api.ServiceSpecValidator;
import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.Network;
import io.trellis.controlplane.store.NetworkAttachmentSpec;
import io.trellis.controlplane.store.PortConfig;
import io.trellis.controlplane.store.Service;
import io.trellis.controlplane.store.ServiceSpec;
import io.trellis.daemon.ingress.IngressAgent;
import io.trellis.daemon.ingress.PublishedListing;
import io.trellis.daemon.network.IngressView;
import io.trellis.daemon.network.NetworkAgent;
import io.trellis.daemon.network.VipListing;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** The admin API's routes: thin JSON adapters over {@link AgentDaemon} and the cluster API. */
public final class AdminEndpoints {
    private final AgentDaemon daemon;

    private AdminEndpoints(AgentDaemon daemon) {
        this.daemon = daemon;
    }

    /**
     * Starts the admin server on {@code host} (and {@code adminAddr} when given) with every route.
     *
     * @param tcpTls mutual TLS for TCP listeners; {@code null} when there are none
     */
    public static AdminServer serve(AgentDaemon daemon, String host, String adminAddr, SslContext tcpTls)
            throws IOException {
        Router router = new Router();
        new AdminEndpoints(daemon).register(router);
        return AdminServer.start(host, adminAddr, tcpTls, router);
    }

    void register(Router r) {
        r.get("/info", req -> json(daemon.info()));
        r.get("/metrics", req -> AdminResponse.text(200, daemon.metrics().scrape()));
        r.post("/swarm/init", req -> guard(() -> {
            Map<String, String> body = body(req, new TypeReference<Map<String, String>>() { });
            String maskLength = body.get("defaultAddrPoolMaskLength");
            return json(daemon.initSwarm(body.get("advertiseAddr"), body.get("listenAddr"),
                    "true".equals(body.get("autolock")), body.get("defaultAddrPool"),
                    maskLength == null ? null : count("--default-addr-pool-mask-length", maskLength)));
        }));
        r.post("/swarm/join", req -> guard(() -> {
            Map<String, String> body = body(req, new TypeReference<Map<String, String>>() { });
            return json(daemon.joinSwarm(body.get("token"), body.get("remoteAddr"), body.get("advertiseAddr"),
                    body.get("listenAddr")));
        }));
        r.post("/swarm/leave", req -> guard(() -> {
            daemon.leaveSwarm("true".equals(req.queryParam("force")));
            return json(Map.of("left", true));
        }));
        r.post("/swarm/unlock", req -> guard(() -> {
            Map<String, String> body = body(req, new TypeReference<Map<String, String>>() { });
            daemon.unlock(body.get("unlockKey"));
            return json(Map.of("unlocked", true));
        }));
        r.get("/swarm/unlock-key", req -> guard(() -> json(Map.of("unlockKey", autolock().current()))));
        r.post("/swarm/unlock-key/rotate", req -> guard(() -> json(Map.of("unlockKey", autolock().rotate()))));
        r.post("/swarm/update", req -> guard(() -> {
            Map<String, String> body = body(req, new TypeReference<Map<String, String>>() { });
            String on = body.get("autolock");
            if (on == null) {
                throw ApiException.invalid("nothing to update: give --autolock=true|false");
            }
            String key = autolock().set(Boolean.parseBoolean(on));
            return json(key == null ? Map.of() : Map.of("unlockKey", key));
        }));
        r.post("/nodes/{ref}/promote", req -> guard(() -> json(Map.of("message", membership().promote(req.pathParam("ref"))))));
        r.post("/nodes/{ref}/demote", req -> guard(() -> json(Map.of("message", membership().demote(req.pathParam("ref"))))));
        r.delete("/nodes/{ref}", req -> guard(() ->
                json(Map.of("removed", membership().remove(req.pathParam("ref"), "true".equals(req.queryParam("force")))))));
        r.post("/swarm/ca/admin-certificate", req -> guard(() -> json(new AdminCertificateIssuer(daemon)
                .issue(req, body(req, AdminCertificateIssuer.Request.class)))));
        r.get("/swarm/join-token/{role}", req -> guard(() -> joinToken(req.pathParam("role"), false)));
        r.post("/swarm/join-token/{role}/rotate", req -> guard(() -> joinToken(req.pathParam("role"), true)));
        r.get("/nodes", req -> guard(this::nodes));
        r.get("/services", req -> guard(this::services));
        r.post("/services", req -> guard(() -> createService(body(req, ServiceCreateRequest.class))));
        r.post("/services/scale", req -> guard(() ->
                json(daemon.manager().api().scale(body(req, new TypeReference<Map<String, Integer>>() { })))));
        r.post("/services/remove", req -> guard(() -> {
            Map<String, List<String>> body = body(req, new TypeReference<Map<String, List<String>>>() { });
            return json(daemon.manager().api().removeServices(body.getOrDefault("services", List.of())));
        }));
        r.get("/services/{ref}", req -> guard(() -> {
            Service s = daemon.manager().api().service(req.pathParam("ref"));
            return json(ApiViews.service(s, daemon.manager().store().view()));
        }));
        r.post("/services/{ref}/update", req -> guard(() -> {
            ServiceUpdateRequest u = body(req, ServiceUpdateRequest.class);
            if (u.rollback()) {
                Service s = ServiceUpdateRequests.rollback(daemon.manager(), req.pathParam("ref"), u);
                return json(ApiViews.service(s, daemon.manager().store().view()));
            }
            List<PortConfig> publishAdd = publishOptions("--publish-add", u.publishAdd());
            boolean secrets = !u.secretAdd().isEmpty() || !u.secretRm().isEmpty();
            if (!u.changesNetworks() && !u.changesPorts() && !u.force() && !secrets
                    && !HealthResourceRequests.changes(u.container()) && !u.changesMounts() && !u.changesSpec()
                    && !sandboxChanges(u)) {
                Service resumed = ServiceUpdateRequests.updates(daemon.manager()).resume(req.pathParam("ref"));
                if (resumed != null) {
                    return json(ApiViews.service(resumed, daemon.manager().store().view()));
                }
                throw ApiException.invalid("nothing to update: give --image, --args, --env-add, --env-rm, --replicas,"
                        + " --network-add, --network-rm, --publish-add, --publish-rm, --lb-algorithm, --secret-add,"
                        + " --secret-rm, --mount-add, --mount-rm, --user, --cap-add, --cap-drop, --runtime, a --health-*,"
                        + " --limit-*/--reserve-*, --update-*, --rollback-* or --restart-* flag, --stop-grace-period,"
                        + " --placement-pref-add, --placement-pref-rm, --container-label-add, --container-label-rm,"
                        + " --force or --rollback");
            }
            Service s = daemon.manager().api().service(req.pathParam("ref"));
            Service before = s;
            ServiceUpdateRequests.updates(daemon.manager()).check(s, ServiceUpdateRequests.changes(u));
            if (u.changesMounts()) { // checked before anything else changes: one bad --mount-add changes nothing
                MountOption.update(s.name(), s.spec().container().mounts(), u.mountAdd(), u.mountRm());
            }
            ContainerOptions c = u.container();
            if (sandboxChanges(u)) { // likewise: a bad --user or capability changes nothing
                SandboxUpdates.apply(s.spec().container(), c.user(), c.capAdd(), c.capDrop(), c.runtime());
            }
            if (HealthResourceRequests.changes(u.container())) { // first: its bad input must find nothing changed
                s = HealthResourceRequests.update(daemon.manager(), s, u.container());
            }
            if (u.changesNetworks()) {
                s = daemon.manager().api().updateNetworks(s.id(), NetworkRequests.byName(u.networkAdd()), u.networkRm());
            }
            if (u.changesPorts()) {
                s = daemon.manager().api().updatePorts(s.id(), publishAdd, u.publishRm(), u.lbAlgorithm());
            }
            if (secrets) {
                s = SecretRoutes.api(daemon).updateService(s, u.secretAdd(), u.secretRm());
            }
            if (u.changesMounts()) {
                s = VolumeRoutes.mounts(daemon).update(s, u.mountAdd(), u.mountRm());
            }
            if (sandboxChanges(u)) {
                s = new SandboxUpdates(daemon.manager().store(), daemon.manager().writer(), Clock.systemUTC())
                        .update(s.id(), c.user(), c.capAdd(), c.capDrop(), c.runtime());
            }
            if (u.force()) {
                s = daemon.manager().api().forceUpdate(s.id());
            }
            s = ServiceUpdateRequests.updates(daemon.manager()).finish(before, ServiceUpdateRequests.changes(u));
            return json(ApiViews.service(s, daemon.manager().store().view()));
        }));
        r.get("/services/{ref}/tasks", req -> guard(() -> tasks(req.pathParam("ref"))));
        r.get("/services/{ref}/logs", req -> guard(() -> {
            Service s = daemon.manager().api().service(req.pathParam("ref"));
            boolean follow = "true".equals(req.queryParam("follow"));
            String tail = req.queryParam("tail");
            return AdminResponse.stream("text/plain; charset=utf-8", new ServiceLogs(daemon.manager().store()::view,
                    daemon.nodeClient(), s.id(), follow, tail == null ? -1 : count("tail", tail),
                    "true".equals(req.queryParam("timestamps"))));
        }));
        new ExecEndpoint(daemon).register(r);
        registerNodeRoutes(r);
        registerNetworkRoutes(r);
        SecretRoutes.register(r, daemon);
        VolumeRoutes.register(r, daemon);
        r.get("/vips", req -> guard(() -> {
            NetworkAgent network = daemon.network();
            if (network == null) {
                throw new ApiException(ApiException.Kind.UNAVAILABLE, "this node is not part of a swarm");
            }
            String only = req.queryParam("network");
            List<VipView> vips = new ArrayList<>(VipListing.of(network, only));
            IngressView ingress = network.ingressView();
            IngressAgent mesh = daemon.ingress();
            if (ingress.networkId() != null && mesh != null) {
                String name = network.networkNames().getOrDefault(ingress.networkId(), ingress.networkId());
                if (only == null || only.equals(name) || only.equals(ingress.networkId())) {
                    vips.addAll(PublishedListing.of(mesh, ingress, name));
                }
            }
            return json(vips);
        }));
    }

    /**
     * {@code network create/ls/inspect/rm}. {@code POST /networks/remove} takes several networks in one
     * commit (the CLI's {@code rm}, so one bad name changes nothing); {@code DELETE} takes one.
     */
    private void registerNetworkRoutes(Router r) {
        r.post("/networks", req -> guard(() -> {
            NetworkCreateRequest c = body(req, NetworkCreateRequest.class);
            Network n = daemon.manager().networks().create(c.name(), c.driver(), c.subnet(), c.gateway(),
                    c.attachable(), c.opts(), NetworkRequests.labels(c.labels()));
            return json(ApiViews.network(n, daemon.manager().store().view()));
        }));
        r.get("/networks", req -> guard(() -> {
            List<Network> networks = daemon.manager().networks().list();
            ClusterSnapshot view = daemon.manager().store().view();
            return json(networks.stream().map(n -> ApiViews.network(n, view)).toList());
        }));
        r.get("/networks/{ref}", req -> guard(() -> json(ApiViews.network(
                daemon.manager().networks().network(req.pathParam("ref")), daemon.manager().store().view()))));
        r.delete("/networks/{ref}", req -> guard(() ->
                json(daemon.manager().networks().remove(List.of(req.pathParam("ref"))))));
        r.post("/networks/remove", req -> guard(() -> {
            Map<String, List<String>> body = body(req, new TypeReference<Map<String, List<String>>>() { });
            return json(daemon.manager().networks().remove(body.getOrDefault("networks", List.of())));
        }));
    }

    /** {@code node inspect}, {@code node ps}, {@code node update}; NODE may be {@code self}. */
    private void registerNodeRoutes(Router r) {
        r.get("/nodes/{ref}", req -> guard(() -> json(nodeView(daemon.manager().api().node(nodeRef(req))))));
        r.get("/nodes/{ref}/tasks", req -> guard(() -> nodeTasks(nodeRef(req))));
        r.post("/nodes/{ref}/update", req -> guard(() -> {
            NodeUpdateRequest u = body(req, NodeUpdateRequest.class);
            return json(nodeView(daemon.manager().api().updateNode(nodeRef(req), u.availability(), u.labelAdd(),
                    u.labelRm())));
        }));
    }

    private AdminResponse joinToken(String roleText, boolean rotate) {
        ControlPlane m = daemon.manager();
        var role = JoinTokens.role(roleText);
        JoinTokens tokens = new JoinTokens(m.store(), m.writer());
        String token = rotate ? tokens.rotate(role) : tokens.token(role);
        String manager = daemon.identity().map(SwarmIdentity::managerAddr).orElse("");
        return json(Map.of("role", role.label(), "token", token, "manager", manager, "rotated", rotate));
    }

    private Autolock autolock() {
        ControlPlane m = daemon.manager();
        return new Autolock(m.store(), m.writer(), m::rotateDataKey);
    }

    private MembershipChanges membership() {
        return new MembershipChanges(daemon.manager(), java.time.Clock.systemUTC());
    }

    private AdminResponse nodes() {
        ClusterSnapshot view = daemon.manager().store().view();
        var viewer = nodeViewer();
        return json(view.nodes().values().stream()
                .sorted(Comparator.comparing(io.trellis.controlplane.store.Node::hostname))
                .map(viewer).toList());
    }

    private AdminResponse services() {
        ClusterSnapshot view = daemon.manager().store().view();
        return json(view.services().values().stream()
                .sorted(Comparator.comparing(Service::name))
                .map(s -> ApiViews.service(s, view)).toList());
    }

    private AdminResponse createService(ServiceCreateRequest r) {
        ServiceSpec.Mode mode = ServiceSpecValidator.mode(r.mode());
        int replicas = r.replicas() != null ? r.replicas() : mode == ServiceSpec.Mode.GLOBAL ? 0 : 1;
        ServiceSpec.EndpointMode endpointMode = NetworkRequests.endpointMode(r.endpointMode());
        // The store keeps network IDs: names are resolved here, against the view the request is judged on.
        List<NetworkAttachmentSpec> networks = NetworkRequests.attachments(daemon.manager().store().view(),
                r.networks());
        ServiceSpec spec = new ServiceSpec(r.name(), r.image(), r.command(), r.env(), replicas, mode, r.constraints(),
                r.maxReplicasPerNode() == null ? 0 : r.maxReplicasPerNode(), networks, endpointMode,
                publishOptions("--publish", r.publish()), r.lbAlgorithm(), 0).withLabels(r.labels())
                .withPreferences(ServiceSpecValidator.preferences(r.placementPreferences()));
        spec = spec.withContainer(spec.container().withSecrets(
                SecretOption.references(daemon.manager().store().view(), "--secret", r.container().secrets())));
        spec = HealthResourceRequests.create(daemon.manager().store().view(), spec, r.container());
        spec = spec.withContainer(ServiceMounts.create(spec.container(), r.container().mounts()));
        spec = ServiceUpdateRequests.create(spec, r);
        spec = spec.withContainer(SandboxOptions.apply(spec.container(), r.container().user(), r.container().capAdd(),
                r.container().capDrop()).withRuntime(RuntimeOption.parse(r.container().runtime()))
                .withLabels(ContainerLabelOptions.parse("--container-label", r.container().labels())));
        Service s = daemon.manager().api().createService(spec);
        return json(ApiViews.service(s, daemon.manager().store().view()));
    }

    private static boolean sandboxChanges(ServiceUpdateRequest u) {
        ContainerOptions c = u.container();
        return SandboxUpdates.changes(c.user(), c.capAdd(), c.capDrop(), c.runtime());
    }

    private static List<PortConfig> publishOptions(String flag, List<String> values) {
        return values == null ? List.of() : values.stream().map(v -> PublishOption.parse(flag, v)).toList();
    }

    private AdminResponse tasks(String ref) {
        ControlPlane m = daemon.manager();
        Service s = m.api().service(ref);
        ClusterSnapshot view = m.store().view();
        return json(view.tasksOf(s.id()).stream().map(t -> ApiViews.task(t, view)).toList());
    }

    /** {@code self} is this node, as in {@code docker node ps self}. */
    private String nodeRef(AdminRequest req) {
        String ref = req.pathParam("ref");
        return "self".equals(ref) ? daemon.identity().map(SwarmIdentity::nodeId).orElse(ref) : ref;
    }

    private NodeView nodeView(io.trellis.controlplane.store.Node n) {
        return nodeViewer().apply(n);
    }

    /** Node views as this manager sees the cluster now: who leads, which managers it hears from. */
    private java.util.function.Function<io.trellis.controlplane.store.Node, NodeView> nodeViewer() {
        ControlPlane m = daemon.manager();
        String self = daemon.identity().map(SwarmIdentity::nodeId).orElse("");
        String leader = m.leaderId().orElse("");
        java.util.Set<String> members = m.raftMembers().stream()
                .map(io.trellis.controlplane.raft.RaftConfiguration.Peer::id).collect(java.util.stream.Collectors.toSet());
        java.util.Set<String> reachable = new java.util.HashSet<>(membership().reachable());
        reachable.retainAll(members);
        boolean leading = m.isLeader();
        return n -> ApiViews.node(n, self, leader, reachable, leading);
    }

    private AdminResponse nodeTasks(String ref) {
        ControlPlane m = daemon.manager();
        List<io.trellis.controlplane.store.Task> tasks = m.api().nodeTasks(ref);
        ClusterSnapshot view = m.store().view();
        return json(tasks.stream().map(t -> ApiViews.task(t, view)).toList());
    }

    private static int count(String name, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the error
        }
        throw ApiException.invalid("invalid " + name + " \"" + value + "\": expected a number, 0 or more");
    }

    static <T> T body(AdminRequest req, Class<T> type) {
        try {
            return Json.read(req.body(), type);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(e.getMessage());
        }
    }

    static <T> T body(AdminRequest req, TypeReference<T> type) {
        try {
            return Json.read(req.body(), type);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(e.getMessage());
        }
    }

    static AdminResponse json(Object o) {
        return AdminResponse.json(200, Json.bytes(o));
    }

    /** Turns API refusals into their HTTP status with a one-line message. */
    static AdminResponse guard(Call call) throws Exception {
        try {
            return call.run();
        } catch (ApiException e) {
            return AdminResponse.error(e.kind().httpStatus, e.getMessage());
        } catch (io.trellis.controlplane.store.StoreWriter.StoreUnavailableException
                 | io.trellis.controlplane.store.Proposer.NotLeaderException e) {
            // Leadership moving or no quorum: nothing was acknowledged, and trying again is right (exit 2).
            return AdminResponse.error(503, e.getMessage() + "; try again");
        }
    }

    @FunctionalInterface
    interface Call {
        AdminResponse run() throws Exception;
    }
}
