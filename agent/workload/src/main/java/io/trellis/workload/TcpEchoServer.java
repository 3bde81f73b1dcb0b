package io.trellis.workload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * The tcp echo workload: one selector thread serves every connection, with one small buffer each,
 * so thousands of connections cost a few MB rather than a thread apiece.
 */
final class TcpEchoServer implements Workload {
    private static final int BACKLOG = 1024;
    private static final int BUFFER_BYTES = 16 * 1024;

    private final ServerSocketChannel server;
    private final Selector selector;
    private final Thread loop;
    private volatile boolean running = true;

    private TcpEchoServer(ServerSocketChannel server, Selector selector) {
        this.server = server;
        this.selector = selector;
        this.loop = new Thread(this::run, "tcp-echo");
        loop.setDaemon(true);
    }

    static TcpEchoServer start(InetSocketAddress address) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            server.bind(address, BACKLOG);
            server.configureBlocking(false);
            Selector selector = Selector.open();
            server.register(selector, SelectionKey.OP_ACCEPT);
            TcpEchoServer echo = new TcpEchoServer(server, selector);
            echo.loop.start();
            return echo;
        } catch (IOException e) {
            server.close();
            throw e;
        }
    }

    private void run() {
        try (selector; server) {
            while (running) {
                selector.select();
                for (SelectionKey key : selector.selectedKeys()) {
                    if (key.isAcceptable()) {
                        accept();
                    } else {
                        echo(key);
                    }
                }
                selector.selectedKeys().clear();
            }
            for (SelectionKey key : selector.keys()) {
                key.channel().close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("tcp echo stopped", e);
        }
    }

    private void accept() throws IOException {
        SocketChannel connection;
        try {
            connection = server.accept();
        } catch (IOException e) {
            return; // out of file descriptors, say: keep serving open connections, retry on the next select
        }
        if (connection == null) {
            return;
        }
        connection.configureBlocking(false);
        connection.setOption(StandardSocketOptions.TCP_NODELAY, true);
        connection.register(selector, SelectionKey.OP_READ, new Connection());
    }

    /**
     * Reads what fits, writes back what it can, and stops reading while bytes wait to be written, so
     * a client that sends but does not read is slowed by TCP flow control instead of growing a buffer.
     */
    private static void echo(SelectionKey key) {
        SocketChannel channel = (SocketChannel) key.channel();
        Connection connection = (Connection) key.attachment();
        ByteBuffer buffer = connection.buffer;
        try {
            if (key.isReadable() && channel.read(buffer) < 0) {
                connection.inputClosed = true;
            }
            buffer.flip();
            channel.write(buffer);
            buffer.compact();
            if (buffer.position() > 0) {
                key.interestOps(SelectionKey.OP_WRITE);
            } else if (connection.inputClosed) {
                channel.close();
            } else {
                key.interestOps(SelectionKey.OP_READ);
            }
        } catch (IOException reset) {
            closeQuietly(channel);
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // the connection is gone either way
        }
    }

    private static final class Connection {
        final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
        boolean inputClosed;
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) server.socket().getLocalSocketAddress();
    }

    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            loop.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
