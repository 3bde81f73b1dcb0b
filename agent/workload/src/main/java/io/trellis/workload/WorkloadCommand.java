package io.trellis.workload;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code trellis workload http|echo|fetch}: tiny services to run as task commands; {@code vote|queue|worker|store|
 * result} together are Docker's example voting app.
 */
@Command(name = "workload", mixinStandardHelpOptions = true,
        description = "Run a built-in workload that answers with its task and node (like traefik/whoami), or fetch from one.",
        subcommands = {HttpWorkload.class, EchoWorkload.class, FetchCommand.class, VoteWorkload.class,
                QueueWorkload.class, WorkerCommand.class, StoreWorkload.class, ResultWorkload.class})
public final class WorkloadCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing workload: use http, echo, fetch, vote, queue, worker, store or result");
    }
}
