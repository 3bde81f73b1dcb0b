package io.trellis.dataplane.switching;

/**
 * A local port of a network's switch: a task endpoint (one MAC and IP; frames from any other source
 * MAC are dropped) or a trunk (a standalone tunnel's TAP: any source, receives what the remote
 * floods).
 *
 * @param index position in its network's port array
 */
public record Port(int index, long mac, int ipv4, boolean trunk, FrameSink sink) {

    public static Port endpoint(int index, long mac, int ipv4, FrameSink sink) {
        return new Port(index, mac, ipv4, false, sink);
    }

    public static Port trunk(int index, FrameSink sink) {
        return new Port(index, 0, 0, true, sink);
    }
}
