package io.trellis.admin;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdminRouterTest {
    private final Router router = new Router()
            .get("/services", req -> AdminResponse.text(200, "list"))
            .get("/services/{id}", req -> AdminResponse.text(200, "inspect " + req.pathParam("id")))
            .delete("/services/{id}", req -> AdminResponse.text(200, "rm " + req.pathParam("id")))
            .get("/services/{id}/tasks/{slot}", req -> AdminResponse.text(200,
                    req.pathParam("id") + "." + req.pathParam("slot")));

    private static AdminRequest request(String method, String path) {
        return new AdminRequest(method, path, Map.of("q", List.of("1", "2")), Map.of(), null);
    }

    private String body(String method, String path) throws Exception {
        return new String(router.handle(request(method, path)).body(), UTF_8);
    }

    @Test
    void fillsPathParameters() throws Exception {
        assertThat(body("GET", "/services/web")).isEqualTo("inspect web");
        assertThat(body("DELETE", "/services/web")).isEqualTo("rm web");
        assertThat(body("GET", "/services/web/tasks/3")).isEqualTo("web.3");
    }

    @Test
    void ignoresATrailingSlash() throws Exception {
        assertThat(body("GET", "/services/")).isEqualTo("list");
    }

    @Test
    void unknownPathIsNotFound() throws Exception {
        AdminResponse r = router.handle(request("GET", "/services/web/secrets"));

        assertThat(r.status()).isEqualTo(404);
        assertThat(new String(r.body(), UTF_8)).isEqualTo("{\"message\":\"no such endpoint: /services/web/secrets\"}");
    }

    @Test
    void knownPathWithAnotherMethodIsNotAllowedAndSaysWhatIs() throws Exception {
        AdminResponse r = router.handle(request("PUT", "/services/web"));

        assertThat(r.status()).isEqualTo(405);
        assertThat(r.headers()).containsEntry("Allow", "GET, DELETE");
    }

    @Test
    void rejectsMalformedTemplates() {
        assertThatThrownBy(() -> router.get("services", req -> null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> router.get("/a/{}", req -> null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> router.get("/a/{id}/b/{id}", req -> null))
                .hasMessage("empty or repeated parameter {id} in /a/{id}/b/{id}");
    }

    @Test
    void requestKeepsEveryValueOfARepeatedQueryParameter() {
        AdminRequest r = request("GET", "/services");

        assertThat(r.queryParam("q")).isEqualTo("1");
        assertThat(r.query().get("q")).containsExactly("1", "2");
        assertThat(r.queryParam("missing")).isNull();
        assertThat(r.body()).isEmpty();
    }

    @Test
    void errorMessagesAreEscapedJson() {
        AdminResponse r = AdminResponse.error(400, "bad \"name\"\n");

        assertThat(new String(r.body(), UTF_8)).isEqualTo("{\"message\":\"bad \\\"name\\\"\\n\"}");
        assertThat(r.contentType()).isEqualTo("application/json");
    }
}
