package io.trellis.ingress.proxy;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.epoll.Epoll;
import io.trellis.dataplane.vtep.Transport;

/** The same cases on epoll, where {@link Transport#auto()} picked io_uring (or NIO) for the main run. */
class TcpProxyOnEpollTest extends TcpProxyTest {
    @Override
    Transport transport() {
        assumeTrue(Transport.auto() != Transport.EPOLL, "epoll is already the transport of TcpProxyTest");
        assumeTrue(Epoll.isAvailable(), "no epoll here");
        return Transport.EPOLL;
    }
}
