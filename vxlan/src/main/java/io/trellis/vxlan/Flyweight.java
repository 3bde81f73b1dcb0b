package io.trellis.vxlan;

import io.netty.buffer.ByteBuf;

/**
 * A window of {@code length} bytes at {@code offset} in a {@link ByteBuf} (Aeron
 * {@code HeaderFlyweight} style). Subclasses add getters and setters at fixed offsets; all access is
 * absolute, so reader and writer indexes never move and nothing is copied or allocated.
 *
 * <p>Getters do not check that the window holds the field: call the subclass's {@code check()}
 * first on untrusted bytes. The window itself is always inside the buffer's capacity, so a
 * {@code check()} that reads only inside it can never throw.
 */
public abstract class Flyweight {
    protected ByteBuf buf;
    protected int offset;
    protected int length;

    /** Points this flyweight at {@code length} bytes of {@code buf} starting at {@code offset}. */
    protected final void bind(ByteBuf buf, int offset, int length) {
        if (offset < 0 || length < 0 || length > buf.capacity() - offset) {
            throw new IndexOutOfBoundsException("offset " + offset + " and length " + length
                    + " must lie inside the buffer's capacity " + buf.capacity());
        }
        this.buf = buf;
        this.offset = offset;
        this.length = length;
    }

    /** Bytes from {@code offset} to the buffer's writer index. */
    protected static int readableFrom(ByteBuf buf, int offset) {
        return buf.writerIndex() - offset;
    }

    /** The wrapped buffer (still owned by the caller). */
    public final ByteBuf buffer() {
        return buf;
    }

    /** Absolute index of the first byte of this header in {@link #buffer()}. */
    public final int offset() {
        return offset;
    }

    /** Bytes available to this header and what follows it. */
    public final int length() {
        return length;
    }
}
