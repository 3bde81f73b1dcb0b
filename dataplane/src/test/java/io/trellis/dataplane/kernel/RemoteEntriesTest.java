package io.trellis.dataplane.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.dataplane.model.EndpointAddress;
import io.trellis.dataplane.model.EndpointInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

class RemoteEntriesTest {
    private static final int IP2 = 0x0A00_0002;
    private static final int IP3 = 0x0A00_0003;
    private static final int IP4 = 0x0A00_0004;
    private static final int VTEP_B = 0xAC00_0002;
    private static final int VTEP_C = 0xAC00_0003;

    private static EndpointInfo ep(String id, int ip, int vtep) {
        return new EndpointInfo(id, "n", ip, EndpointAddress.macOf(ip), vtep);
    }

    private static RemoteEntries of(EndpointInfo... remotes) {
        return RemoteEntries.of(List.of(remotes), r -> false);
    }

    @Test
    void sameEndpointsChangeNothing() {
        RemoteEntries a = of(ep("2", IP2, VTEP_B), ep("3", IP3, VTEP_C));
        assertThat(a.changesTo(of(ep("3", IP3, VTEP_C), ep("2", IP2, VTEP_B))).isEmpty()).isTrue();
    }

    @Test
    void oneLeavingAndOneComingTouchOnlyThem() {
        RemoteEntries.Changes c = of(ep("2", IP2, VTEP_B), ep("3", IP3, VTEP_C))
                .changesTo(of(ep("2", IP2, VTEP_B), ep("4", IP4, VTEP_C)));
        assertThat(c.fdbRemoved()).containsExactly(new RemoteEntries.Fdb(EndpointAddress.macOf(IP3), VTEP_C));
        assertThat(c.neighboursRemoved())
                .containsExactly(new RemoteEntries.Neighbour(IP3, EndpointAddress.macOf(IP3)));
        assertThat(c.fdbAdded()).containsExactly(new RemoteEntries.Fdb(EndpointAddress.macOf(IP4), VTEP_C));
        assertThat(c.neighboursAdded())
                .containsExactly(new RemoteEntries.Neighbour(IP4, EndpointAddress.macOf(IP4)));
    }

    @Test
    void aMovedEndpointIsDeletedThenAddedWithItsNewVtepButKeepsItsNeighbour() {
        RemoteEntries.Changes c = of(ep("2", IP2, VTEP_B)).changesTo(of(ep("2", IP2, VTEP_C)));
        assertThat(c.fdbRemoved()).containsExactly(new RemoteEntries.Fdb(EndpointAddress.macOf(IP2), VTEP_B));
        assertThat(c.fdbAdded()).containsExactly(new RemoteEntries.Fdb(EndpointAddress.macOf(IP2), VTEP_C));
        assertThat(c.neighboursRemoved()).isEmpty();
        assertThat(c.neighboursAdded()).isEmpty();
    }

    @Test
    void skippedEndpointsGetNoEntries() {
        RemoteEntries e = RemoteEntries.of(List.of(ep("2", IP2, VTEP_B), ep("3", IP3, VTEP_C)), r -> r.id().equals("3"));
        assertThat(e.fdb()).containsOnlyKeys(EndpointAddress.macOf(IP2));
        assertThat(e.neighbours()).containsOnlyKeys(IP2);
    }
}
