package io.trellis.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import io.trellis.api.Json;
import io.trellis.api.SecretCreateRequest;
import io.trellis.api.SecretView;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code trellis secret ...}: Docker's secret verbs. No command ever prints a value. */
@Command(name = "secret", description = "Manage secrets.", subcommands = {
    SecretCommand.Create.class, SecretCommand.Ls.class, SecretCommand.Inspect.class, SecretCommand.Rm.class})
public final class SecretCommand {

    static String path(String ref) {
        return "/secrets/" + URLEncoder.encode(ref, StandardCharsets.UTF_8);
    }

    @Command(name = "create", description = "Create a secret from a file or from standard input (-).")
    static final class Create extends ClientCommand {
        @Option(names = {"-l", "--label"}, paramLabel = "KEY=VALUE", description = "Set a label on the secret.")
        List<String> labels = new ArrayList<>();
        @Parameters(index = "0", paramLabel = "NAME") String name;
        @Parameters(index = "1", paramLabel = "FILE|-") String file;

        @Override
        public Integer call() {
            SecretData.checkName(name);
            byte[] data = SecretData.read(file, System.in);
            SecretView s = agent().post("/secrets",
                    new SecretCreateRequest(name, Base64.getEncoder().encodeToString(data), labels), SecretView.class);
            out().println(s.id());
            out().flush();
            return 0;
        }
    }

    @Command(name = "ls", aliases = "list", description = "List secrets.")
    static final class Ls extends ClientCommand {
        @Option(names = "--format", description = "table or json") String format;
        @Option(names = {"-q", "--quiet"}, description = "Only display IDs.") boolean quiet;

        @Override
        public Integer call() {
            boolean asJson = json(format);
            List<SecretView> secrets = agent().get("/secrets", new TypeReference<List<SecretView>>() { });
            if (asJson) {
                out().println(Json.pretty(secrets));
            } else if (quiet) {
                secrets.forEach(s -> out().println(s.id()));
            } else {
                long now = System.currentTimeMillis();
                Table t = new Table("ID", "NAME", "CREATED", "UPDATED");
                for (SecretView s : secrets) {
                    t.row(s.id(), s.name(), HumanTime.ago(s.created(), now), HumanTime.ago(s.updated(), now));
                }
                t.print(out());
            }
            out().flush();
            return 0;
        }
    }

    /** A JSON array, like {@code docker secret inspect}: metadata only. */
    @Command(name = "inspect", description = "Display detailed information on one or more secrets.")
    static final class Inspect extends ClientCommand {
        @Parameters(arity = "1..*", paramLabel = "SECRET") List<String> secrets;

        @Override
        public Integer call() {
            List<SecretView> views = new ArrayList<>();
            for (String ref : secrets) {
                views.add(agent().get(path(ref), SecretView.class));
            }
            out().println(Json.pretty(views));
            out().flush();
            return 0;
        }
    }

    /** All or nothing: an unknown or used secret leaves every other one in place. */
    @Command(name = "rm", aliases = "remove", description = "Remove one or more secrets.")
    static final class Rm extends ClientCommand {
        @Parameters(arity = "1..*", paramLabel = "SECRET") List<String> secrets;

        @Override
        public Integer call() {
            agent().post("/secrets/remove", Map.of("secrets", secrets), new TypeReference<List<String>>() { });
            secrets.forEach(out()::println);
            out().flush();
            return 0;
        }
    }
}
