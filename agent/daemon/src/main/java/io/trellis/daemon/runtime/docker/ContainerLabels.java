package io.trellis.daemon.runtime.docker;

/** The labels that mark a container as a Trellis task, so an agent finds its containers after a restart. */
final class ContainerLabels {
    static final String TASK_ID = "io.trellis.task.id";
    /** The node that made it: agents sharing one Engine (a lab, tests) leave each other's containers alone. */
    static final String NODE_ID = "io.trellis.node.id";
    static final String TASK_NAME = "io.trellis.task.name";
    static final String SERVICE_ID = "io.trellis.service.id";
    static final String SERVICE_NAME = "io.trellis.service.name";
    /** Docker's own label, so {@code docker ps --filter label=com.docker.swarm.service.name=web} works too. */
    static final String SWARM_SERVICE_NAME = "com.docker.swarm.service.name";
    static final String SWARM_TASK_ID = "com.docker.swarm.task.id";

    private ContainerLabels() {
    }
}
