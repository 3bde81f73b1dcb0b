package io.trellis.controlplane.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MountTest {

    @Test
    void aServicesMountsRoundTripThroughTheLogAndOlderEntriesHaveNone() throws Exception {
        Service plain = Fixtures.service("s1", "db", 1);
        List<Mount> mounts = List.of(Mount.volume("data", "/var/lib/db", false), Mount.bind("/etc/ssl", "/ssl", true),
                Mount.tmpfs("/cache", 64L << 20));
        Service s = new Service("s1", plain.spec().withContainer(plain.spec().container().withMounts(mounts)), 1,
                plain.createdAt(), plain.updatedAt());

        StoreBatch back = StoreCodec.decodeBatch(StoreCodec.encode(StoreBatch.of(new StoreOp.CreateService(s))));
        assertThat(((StoreOp.CreateService) back.ops().get(0)).service().spec().container().mounts())
                .isEqualTo(mounts);

        String old = "{\"ops\":[{\"op\":\"create-service\",\"service\":{\"id\":\"s1\",\"spec\":{\"name\":\"db\","
                + "\"image\":\"img\",\"replicas\":1,\"container\":{\"user\":\"0\"}},\"version\":1,"
                + "\"createdAt\":1,\"updatedAt\":1}}]}";
        ContainerSpec c = ((StoreOp.CreateService) StoreCodec.decodeBatch(old.getBytes(StandardCharsets.UTF_8)).ops()
                .get(0)).service().spec().container();
        assertThat(c.user()).isEqualTo("0");
        assertThat(c.mounts()).isEmpty();
    }
}
