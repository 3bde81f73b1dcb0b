package io.trellis.daemon;

import static io.trellis.daemon.AdminEndpoints.body;
import static io.trellis.daemon.AdminEndpoints.guard;
import static io.trellis.daemon.AdminEndpoints.json;

import com.fasterxml.jackson.core.type.TypeReference;
import io.trellis.admin.Router;
import io.trellis.api.SecretCreateRequest;
import io.trellis.api.SecretView;
import io.trellis.controlplane.api.ApiException;
import io.trellis.controlplane.api.SecretApi;
import io.trellis.controlplane.store.Secret;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * {@code secret create/ls/inspect/rm} on the admin API. Values come in (base64) and never go out:
 * every answer is a {@link SecretView}.
 */
final class SecretRoutes {
    private SecretRoutes() {
    }

    static void register(Router r, AgentDaemon daemon) {
        r.post("/secrets", req -> guard(() -> {
            SecretCreateRequest c = body(req, SecretCreateRequest.class);
            Secret s = api(daemon).create(c.name(), decode(c.data()), NetworkRequests.labels(c.labels()));
            return json(view(s));
        }));
        r.get("/secrets", req -> guard(() -> json(api(daemon).list().stream().map(SecretRoutes::view).toList())));
        r.get("/secrets/{ref}", req -> guard(() -> json(view(api(daemon).secret(req.pathParam("ref"))))));
        r.post("/secrets/remove", req -> guard(() -> {
            Map<String, List<String>> body = body(req, new TypeReference<Map<String, List<String>>>() { });
            return json(api(daemon).remove(body.getOrDefault("secrets", List.of())));
        }));
    }

    /** The manager's secret API; its state is all in the store, so one per request is fine. */
    static SecretApi api(AgentDaemon daemon) {
        ControlPlane m = daemon.manager();
        return new SecretApi(m.store(), m.writer(), Clock.systemUTC());
    }

    static SecretView view(Secret s) {
        return new SecretView(s.id(), s.name(), s.labels(), s.size(), s.createdAt(), s.updatedAt());
    }

    private static byte[] decode(String data) {
        if (data == null) {
            return new byte[0];
        }
        try {
            return Base64.getDecoder().decode(data);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("secret data must be base64");
        }
    }
}
