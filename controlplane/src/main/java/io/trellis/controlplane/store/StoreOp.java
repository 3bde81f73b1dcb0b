package io.trellis.controlplane.store;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One change in a replicated transaction. Everything non-deterministic (IDs, timestamps) is chosen
 * by the proposer and travels inside the op, so every replica applies the same result.
 * Preconditions are checked again at apply time because the state may have moved since proposal.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "op")
@JsonSubTypes({
    @JsonSubTypes.Type(value = StoreOp.InitCluster.class, name = "init-cluster"),
    @JsonSubTypes.Type(value = StoreOp.SetJoinTokens.class, name = "set-join-tokens"),
    @JsonSubTypes.Type(value = StoreOp.SetUnlockKey.class, name = "set-unlock-key"),
    @JsonSubTypes.Type(value = StoreOp.PutNode.class, name = "put-node"),
    @JsonSubTypes.Type(value = StoreOp.SetNodeStatus.class, name = "set-node-status"),
    @JsonSubTypes.Type(value = StoreOp.SetNodeRuntimes.class, name = "set-node-runtimes"),
    @JsonSubTypes.Type(value = StoreOp.SetNodeKey.class, name = "set-node-key"),
    @JsonSubTypes.Type(value = StoreOp.DeleteNode.class, name = "delete-node"),
    @JsonSubTypes.Type(value = StoreOp.CreateService.class, name = "create-service"),
    @JsonSubTypes.Type(value = StoreOp.UpdateService.class, name = "update-service"),
    @JsonSubTypes.Type(value = StoreOp.DeleteService.class, name = "delete-service"),
    @JsonSubTypes.Type(value = StoreOp.SetUpdateStatus.class, name = "set-update-status"),
    @JsonSubTypes.Type(value = StoreOp.RollbackService.class, name = "rollback-service"),
    @JsonSubTypes.Type(value = StoreOp.CreateTask.class, name = "create-task"),
    @JsonSubTypes.Type(value = StoreOp.SetDesiredState.class, name = "set-desired-state"),
    @JsonSubTypes.Type(value = StoreOp.AssignTask.class, name = "assign-task"),
    @JsonSubTypes.Type(value = StoreOp.ReportTaskStatus.class, name = "report-task-status"),
    @JsonSubTypes.Type(value = StoreOp.DeleteTask.class, name = "delete-task"),
    @JsonSubTypes.Type(value = StoreOp.NoteEndedTask.class, name = "note-ended-task"),
    @JsonSubTypes.Type(value = StoreOp.UpdateNodeSpec.class, name = "update-node-spec"),
    @JsonSubTypes.Type(value = StoreOp.CreateNetwork.class, name = "create-network"),
    @JsonSubTypes.Type(value = StoreOp.DeleteNetwork.class, name = "delete-network"),
    @JsonSubTypes.Type(value = StoreOp.SetNetworkKeys.class, name = "set-network-keys"),
    @JsonSubTypes.Type(value = StoreOp.CreateSecret.class, name = "create-secret"),
    @JsonSubTypes.Type(value = StoreOp.DeleteSecret.class, name = "delete-secret"),
})
public sealed interface StoreOp {

    /** Applies this op to the transaction, or throws {@link StoreException} to reject the whole batch. */
    void applyTo(Transaction tx);

    record InitCluster(ClusterInfo cluster) implements StoreOp {
        public void applyTo(Transaction tx) {
            if (tx.cluster() != null) {
                throw new StoreException("this node is already part of a swarm");
            }
            tx.setCluster(cluster);
        }
    }

    /** {@code swarm join-token --rotate}: the old token of that role stops working at this commit. */
    /** {@code swarm unlock-key --rotate}, {@code swarm update --autolock}: null turns autolock off. */
    record SetUnlockKey(String unlockKey) implements StoreOp {
        public void applyTo(Transaction tx) {
            if (tx.cluster() == null) {
                throw new StoreException("this node is not part of a swarm");
            }
            tx.setCluster(tx.cluster().withUnlockKey(unlockKey));
        }
    }

    record SetJoinTokens(String workerToken, String managerToken) implements StoreOp {
        public void applyTo(Transaction tx) {
            if (tx.cluster() == null) {
                throw new StoreException("this node is not part of a swarm");
            }
            tx.setCluster(tx.cluster().withTokens(workerToken, managerToken));
        }
    }

    /**
     * A record without a node key keeps the one stored: only admission and renewal change it; one without
     * resources or runtimes (promotion, demotion) keeps the reported ones.
     */
    record PutNode(Node node) implements StoreOp {
        public void applyTo(Transaction tx) {
            Node stored = tx.nodes().get(node.id());
            Node n = node.publicKey() == null && stored != null ? node.withPublicKey(stored.publicKey()) : node;
            n = n.resources() == null && stored != null ? n.withResources(stored.resources()) : n;
            n = n.runtimes() == null && stored != null ? n.withRuntimes(stored.runtimes()) : n;
            tx.nodes().put(node.id(), NetworkAllocator.withIngressAddress(tx, n));
        }
    }

    /** A renewed certificate's node key, which rotated data keys are wrapped for from now on. */
    record SetNodeKey(String nodeId, String publicKey) implements StoreOp {
        public void applyTo(Transaction tx) {
            Node n = tx.nodes().get(nodeId);
            if (n == null) {
                throw new StoreException("node " + nodeId + " not found");
            }
            tx.nodes().put(nodeId, n.withPublicKey(publicKey));
        }
    }

    /**
     * {@code node rm}: the node leaves the store; tasks still on it are orphaned (and shut down), so
     * the orchestrator replaces them and nothing points at a node that no longer exists.
     */
    record DeleteNode(String nodeId, long now) implements StoreOp {
        public void applyTo(Transaction tx) {
            if (tx.nodes().remove(nodeId) == null) {
                throw new StoreException("node " + nodeId + " not found");
            }
            if (tx.cluster() != null) {
                tx.setCluster(tx.cluster().withRemovedNode(nodeId));
            }
            for (Task t : List.copyOf(tx.tasks().values())) {
                if (nodeId.equals(t.nodeId()) && !t.status().state().isTerminal()) {
                    tx.tasks().put(t.id(), t.withDesiredState(TaskState.SHUTDOWN)
                            .withStatus(TaskStatus.of(TaskState.ORPHANED, now, "node removed")));
                }
            }
        }
    }

    record SetNodeStatus(String nodeId, Node.Status status, long now) implements StoreOp {
        public void applyTo(Transaction tx) {
            Node n = tx.nodes().get(nodeId);
            if (n == null) {
                throw new StoreException("node " + nodeId + " not found");
            }
            tx.nodes().put(nodeId, n.withStatus(status, now));
        }
    }

    /** What a node's heartbeat says it can run tasks with; the scheduler places tasks accordingly. */
    record SetNodeRuntimes(String nodeId, List<String> runtimes) implements StoreOp {
        public void applyTo(Transaction tx) {
            Node n = tx.nodes().get(nodeId);
            if (n == null) {
                throw new StoreException("node " + nodeId + " not found");
            }
            tx.nodes().put(nodeId, n.withRuntimes(runtimes));
        }
    }

    record CreateService(Service service) implements StoreOp {
        public void applyTo(Transaction tx) {
            if (tx.services().containsKey(service.id())) {
                throw new StoreException("service ID " + service.id() + " already exists");
            }
            if (tx.serviceByName(service.name()) != null) {
                throw new StoreException("service " + service.name() + " already exists");
            }
            Service s = service.withVirtualIps(List.of());
            PublishedPorts.check(tx, s);
            SecretUsage.checkReferences(tx.secrets(), s);
            tx.services().put(s.id(), s.withVirtualIps(NetworkAllocator.virtualIps(tx, s)));
        }
    }

    /**
     * Replaces a service's spec when its version is still {@code expectedVersion}. The spec replaced becomes the
     * one a rollback returns to, unless {@code previousSpec} names another (a request made of several commits
     * keeps the spec from before the first); the update status is cleared, which resumes a paused update.
     */
    record UpdateService(String serviceId, long expectedVersion, ServiceSpec spec, long now, ServiceSpec previousSpec)
            implements StoreOp {
        public UpdateService(String serviceId, long expectedVersion, ServiceSpec spec, long now) {
            this(serviceId, expectedVersion, spec, now, null);
        }

        public void applyTo(Transaction tx) {
            Service s = current(tx, serviceId, expectedVersion);
            Service next = s.withSpec(spec, previousSpec == null ? s.spec() : previousSpec, now);
            put(tx, next);
        }

        static Service current(Transaction tx, String serviceId, long expectedVersion) {
            Service s = tx.services().get(serviceId);
            if (s == null) {
                throw new StoreException("service " + serviceId + " not found");
            }
            if (s.version() != expectedVersion) {
                throw new StoreException("service " + s.name() + " was changed concurrently (version "
                        + s.version() + ", expected " + expectedVersion + "); retry");
            }
            return s;
        }

        static void put(Transaction tx, Service next) {
            PublishedPorts.check(tx, next);
            SecretUsage.checkReferences(tx.secrets(), next);
            tx.services().put(next.id(), next.withVirtualIps(NetworkAllocator.virtualIps(tx, next)));
        }
    }

    /**
     * The orchestrator's progress on a rolling update. Dropped when the service changed since it was judged
     * (the status belongs to the change it judged), so a late write never marks a newer update.
     */
    record SetUpdateStatus(String serviceId, long expectedVersion, UpdateStatus status) implements StoreOp {
        public void applyTo(Transaction tx) {
            Service s = tx.services().get(serviceId);
            if (s != null && s.version() == expectedVersion) {
                tx.services().put(serviceId, s.withUpdateStatus(status));
            }
        }
    }

    /**
     * {@code service rollback}, or an update's failure action: the previous spec becomes the spec again (and the
     * one rolled back from its previous), with a rollback status.
     */
    record RollbackService(String serviceId, long expectedVersion, UpdateStatus status, long now) implements StoreOp {
        public void applyTo(Transaction tx) {
            Service s = UpdateService.current(tx, serviceId, expectedVersion);
            if (s.previousSpec() == null) {
                throw new StoreException("service " + s.name() + " has no previous spec to roll back to");
            }
            UpdateService.put(tx, s.rolledBack(status, now));
        }
    }

    /** Deletes a service; its tasks are told to go away ({@link TaskState#REMOVE}) in the same commit. */
    record DeleteService(String serviceId) implements StoreOp {
        public void applyTo(Transaction tx) {
            if (tx.services().remove(serviceId) == null) {
                throw new StoreException("service " + serviceId + " not found");
            }
            for (Map.Entry<String, Task> e : tx.tasks().entrySet()) {
                if (e.getValue().serviceId().equals(serviceId)) {
                    e.setValue(e.getValue().withDesiredState(TaskState.REMOVE));
                }
            }
        }
    }

    record CreateTask(Task task) implements StoreOp {
        public void applyTo(Transaction tx) {
            if (!tx.services().containsKey(task.serviceId())) {
                throw new StoreException("service " + task.serviceId() + " not found");
            }
            if (tx.tasks().containsKey(task.id())) {
                throw new StoreException("task " + task.id() + " already exists");
            }
            tx.tasks().put(task.id(), NetworkAllocator.attach(tx, task));
        }
    }

    /** Desired states only move forward, so a late "shutdown" never undoes a "remove". */
    record SetDesiredState(String taskId, TaskState desired) implements StoreOp {
        public void applyTo(Transaction tx) {
            Task t = tx.tasks().get(taskId);
            if (t != null && desired.compareTo(t.desiredState()) > 0) {
                tx.tasks().put(taskId, t.withDesiredState(desired));
            }
        }
    }

    record AssignTask(String taskId, String nodeId, TaskStatus status) implements StoreOp {
        public void applyTo(Transaction tx) {
            Task t = tx.tasks().get(taskId);
            if (t == null || t.nodeId() != null) {
                return; // deleted or already placed meanwhile: the scheduler looks again next round
            }
            if (nodeId != null && !tx.nodes().containsKey(nodeId)) {
                throw new StoreException("node " + nodeId + " not found");
            }
            tx.tasks().put(taskId, t.withNode(nodeId, status));
        }
    }

    /**
     * Status from a worker or the scheduler. Ignored when the task is gone or the report would move
     * the task backwards (reports can arrive late and out of order).
     */
    /**
     * The orchestrator's word on a task that ended, added to its status message ("not restarted: ..."): an ended
     * status is final for the worker, so this is the only change it takes.
     */
    record NoteEndedTask(String taskId, String note) implements StoreOp {
        public void applyTo(Transaction tx) {
            Task t = tx.tasks().get(taskId);
            if (t != null && t.status().state().isTerminal() && !t.status().message().contains(note)) {
                String message = t.status().message().isEmpty() ? note : t.status().message() + "; " + note;
                tx.tasks().put(taskId, t.withStatus(t.status().withMessage(message)));
            }
        }
    }

    record ReportTaskStatus(String taskId, TaskStatus status) implements StoreOp {
        public void applyTo(Transaction tx) {
            Task t = tx.tasks().get(taskId);
            if (t == null) {
                return;
            }
            boolean forward = status.state().compareTo(t.status().state()) > 0;
            boolean sameStateNewDetail = status.state() == t.status().state() && !t.status().state().isTerminal();
            if (forward || sameStateNewDetail) {
                tx.tasks().put(taskId, t.withStatus(status));
            }
        }
    }

    record DeleteTask(String taskId) implements StoreOp {
        public void applyTo(Transaction tx) {
            tx.tasks().remove(taskId);
        }
    }

    /**
     * {@code node update}: availability ({@code null} keeps it) and label changes, applied to the
     * node as it is at commit time so concurrent updates and status reports are not lost. Labels are
     * added first, then removed, as the Docker CLI does; removing a missing key rejects the batch.
     */
    record UpdateNodeSpec(String nodeId, Node.Availability availability, Map<String, String> labelAdd,
                          List<String> labelRm, long now) implements StoreOp {
        public UpdateNodeSpec {
            labelAdd = labelAdd == null ? Map.of() : Map.copyOf(labelAdd);
            labelRm = labelRm == null ? List.of() : List.copyOf(labelRm);
        }

        public void applyTo(Transaction tx) {
            Node n = tx.nodes().get(nodeId);
            if (n == null) {
                throw new StoreException("node " + nodeId + " not found");
            }
            Map<String, String> labels = new TreeMap<>(n.labels());
            labels.putAll(labelAdd);
            for (String key : labelRm) {
                if (labels.remove(key) == null) {
                    throw new StoreException("key " + key + " doesn't exist in node's labels");
                }
            }
            tx.nodes().put(nodeId, n.withAvailabilityAndLabels(
                    availability == null ? n.availability() : availability, labels, now));
        }
    }

    /**
     * {@code network create}: the subnet (unless the spec names one) and the VNI are allocated here,
     * at apply time, so every replica gives the same answer; the keys of an encrypted network come
     * with the op, drawn by the proposer.
     */
    record CreateNetwork(String id, NetworkSpec spec, List<NetworkKey> keys, long now) implements StoreOp {
        public void applyTo(Transaction tx) {
            tx.networks().put(id, NetworkAllocator.allocate(tx, id, spec, keys, now));
            if (spec.ingress()) {
                NetworkAllocator.addressNodes(tx);
            }
        }
    }

    /** {@code network rm}: refused while a service or a task that has not ended uses it. */
    record DeleteNetwork(String networkId) implements StoreOp {
        public void applyTo(Transaction tx) {
            Network n = tx.networks().get(networkId);
            if (n == null) {
                throw new StoreException("network " + networkId + " not found");
            }
            NetworkAllocator.checkUnused(tx, n);
            tx.networks().remove(networkId);
        }
    }

    /** A key rotation step of an encrypted network: the send key first. */
    record SetNetworkKeys(String networkId, List<NetworkKey> keys) implements StoreOp {
        public void applyTo(Transaction tx) {
            Network n = tx.networks().get(networkId);
            if (n == null) {
                return; // removed meanwhile: nothing to rotate
            }
            if (!n.spec().encrypted() || keys.isEmpty()) {
                throw new StoreException("network " + n.name() + " takes no keys");
            }
            tx.networks().put(networkId, n.withKeys(keys));
        }
    }

    /** {@code secret create}: names are unique when the batch is applied, so of two racing creates one wins. */
    record CreateSecret(Secret secret) implements StoreOp {
        public void applyTo(Transaction tx) {
            if (tx.secrets().containsKey(secret.id())) {
                throw new StoreException("secret ID " + secret.id() + " already exists");
            }
            if (tx.secrets().values().stream().anyMatch(s -> s.name().equals(secret.name()))) {
                throw new StoreException("secret " + secret.name() + " already exists");
            }
            tx.secrets().put(secret.id(), secret);
        }
    }

    /** {@code secret rm}: refused while a service references the secret, naming the services. */
    record DeleteSecret(String secretId) implements StoreOp {
        public void applyTo(Transaction tx) {
            Secret s = tx.secrets().get(secretId);
            if (s == null) {
                throw new StoreException("no such secret: " + secretId);
            }
            String users = SecretUsage.usersOf(tx.services().values(), secretId);
            if (!users.isEmpty()) {
                throw new StoreException(SecretUsage.inUse(s, users));
            }
            tx.secrets().remove(secretId);
        }
    }
}
