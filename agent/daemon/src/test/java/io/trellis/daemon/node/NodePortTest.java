package io.trellis.daemon.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.trellis.api.ExecRequest;
import io.trellis.api.ExecStream;
import io.trellis.controlplane.pki.CertificateAuthority;
import io.trellis.controlplane.pki.NodeRole;
import io.trellis.controlplane.pki.NodeTls;
import io.trellis.controlplane.store.Node;
import io.trellis.controlplane.store.Task;
import io.trellis.daemon.cluster.ClusterException;
import io.trellis.daemon.runtime.RunningTask;
import io.trellis.daemon.runtime.TaskRuntime;
import io.trellis.process.TaskDirectory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node's port: managers run commands in and read logs of the node's tasks; nobody else gets in. */
class NodePortTest {
    private final CertificateAuthority ours = CertificateAuthority.create("ours", Clock.systemUTC());
    private final NodeTls self = ours.issueLocal("w1", NodeRole.WORKER, "ours");
    private final NodeTls manager = ours.issueLocal("m1", NodeRole.MANAGER, "ours");
    @TempDir
    Path tasks;
    private NodePort port;
    private int number;

    @BeforeEach
    void open() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            number = s.getLocalPort();
        }
        TaskDirectory dirs = new TaskDirectory(tasks);
        dirs.create("t1");
        Files.writeString(dirs.outputLog("t1"), "one\ntwo\nthree\n");
        port = NodePort.open("127.0.0.1:" + number, self.keyManager(), () -> self, new ShellRuntime(), dirs);
    }

    @AfterEach
    void close() {
        port.close();
    }

    private Node node(String id) {
        return new Node(id, "node-" + id, Node.Role.WORKER, Node.Availability.ACTIVE, Node.Status.READY, "127.0.0.1",
                "", Map.of(), 0, 0, null);
    }

    private NodeClient client(NodeTls as) {
        return new NodeClient(as.keyManager(), as, number);
    }

    @Test
    void aManagerRunsACommandWithStdinAndGetsItsOutputApartAndItsStatus() throws Exception {
        Captured c = exec(client(manager), "t1", List.of("sh", "-c", "echo out; echo err >&2; cat; exit 7"), "fed");
        assertThat(c.stdout.toString(StandardCharsets.UTF_8)).isEqualTo("out\nfed");
        assertThat(c.stderr.toString(StandardCharsets.UTF_8)).isEqualTo("err\n");
        assertThat(c.status).isEqualTo(7);
    }

    @Test
    void aTaskThatDoesNotRunHereGivesOneLineAndStatus126() throws Exception {
        Captured c = exec(client(manager), "t9", List.of("true"), null);
        assertThat(c.errors).isEqualTo("task t9 is not running on this node");
        assertThat(c.status).isEqualTo(TaskExecution.CANNOT_START);
    }

    @Test
    void aManagerReadsTheLastLinesOfATaskLog() throws Exception {
        try (InputStream in = client(manager).open(node("w1"), "/v1/tasks/t1/logs?follow=false&tail=2", null)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("two\nthree\n");
        }
        ClusterException missing = assertThrows(ClusterException.class,
                () -> client(manager).open(node("w1"), "/v1/tasks/t2/logs", null));
        assertThat(missing.status()).isEqualTo(404);
    }

    @Test
    void aWorkerCertificateIsRefused() {
        NodeTls worker = ours.issueLocal("w2", NodeRole.WORKER, "ours");
        ClusterException e = assertThrows(ClusterException.class, () -> exec(client(worker), "t1",
                List.of("cat", "/etc/hostname"), null));
        assertThat(e.getMessage()).startsWith("cannot reach node node-w1");
    }

    @Test
    void aManagerOfAnotherSwarmIsRefused() {
        CertificateAuthority theirs = CertificateAuthority.create("theirs", Clock.systemUTC());
        NodeTls stranger = theirs.issueLocal("m9", NodeRole.MANAGER, "theirs");
        assertThrows(ClusterException.class, () -> exec(client(stranger), "t1", List.of("true"), null));
    }

    @Test
    void anAnswerFromAnotherNodeThanTheOneMeantIsRefused() {
        ClusterException e = assertThrows(ClusterException.class,
                () -> client(manager).open(node("w7"), "/v1/tasks/t1/logs", null));
        assertThat(e.getMessage()).contains("the answer came from node w1, not w7");
    }

    private Captured exec(NodeClient client, String task, List<String> argv, String stdin) throws Exception {
        String input = stdin == null ? null : Base64.getEncoder().encodeToString(stdin.getBytes(StandardCharsets.UTF_8));
        Captured c = new Captured();
        try (InputStream in = client.open(node("w1"), "/v1/tasks/" + task + "/exec", new ExecRequest(argv, input))) {
            in.transferTo(new ExecStream.Decoder(c));
        }
        return c;
    }

    private static final class Captured implements ExecStream.Receiver {
        final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        String errors = "";
        Integer status;

        public void output(byte kind, byte[] data, int off, int len) {
            (kind == ExecStream.STDOUT ? stdout : stderr).write(data, off, len);
        }

        public void error(String message) {
            errors += message;
        }

        public void exit(int s) {
            status = s;
        }
    }

    /** Runs exec'd commands as plain processes for the one task "t1": the sandbox is tested on its own. */
    private static final class ShellRuntime implements TaskRuntime {
        public String name() {
            return "shell";
        }

        public RunningTask start(Task task) {
            throw new UnsupportedOperationException();
        }

        public Optional<RunningTask> adopt(String taskId) {
            return Optional.empty();
        }

        public Process exec(String taskId, List<String> argv) throws TaskStartException {
            if (!taskId.equals("t1")) {
                throw new TaskStartException("task " + taskId + " is not running on this node", null);
            }
            try {
                return new ProcessBuilder(argv).start();
            } catch (IOException e) {
                throw new TaskStartException(e.getMessage(), e);
            }
        }

        public void release(String taskId) {
        }

        public void remove(String taskId) {
        }

        public Set<String> localTasks() {
            return Set.of("t1");
        }
    }
}
