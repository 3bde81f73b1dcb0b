package io.trellis.dataplane.testing;

import io.netty.buffer.ByteBuf;
import io.trellis.dataplane.switching.FrameSink;
import java.util.ArrayList;
import java.util.List;

/**
 * A port device in memory (wireguard-go {@code tuntest} style): records every frame the switch
 * writes, as a copy, so tests can inspect traffic without root or TAP devices.
 */
public final class MemoryFrameDevice implements FrameSink {
    private final List<byte[]> frames = new ArrayList<>();

    @Override
    public synchronized boolean send(ByteBuf buf, int offset, int length) {
        byte[] copy = new byte[length];
        buf.getBytes(offset, copy);
        frames.add(copy);
        return true;
    }

    public synchronized List<byte[]> frames() {
        return List.copyOf(frames);
    }

    public synchronized byte[] last() {
        return frames.isEmpty() ? null : frames.get(frames.size() - 1);
    }

    public synchronized void clear() {
        frames.clear();
    }
}
