package io.trellis.vxlan.arp;

/**
 * ARP opcode (RFC 826; IANA "ARP Operation Codes"). An open enum: {@link #valueOf(int)} keeps
 * unknown codes (RARP, InARP, ...) so they round-trip. Hot paths compare the {@code *_CODE} constants.
 */
public final class ArpOperation {
    public static final int REQUEST_CODE = 1;
    public static final int REPLY_CODE = 2;

    public static final ArpOperation REQUEST = new ArpOperation(REQUEST_CODE, "REQUEST");
    public static final ArpOperation REPLY = new ArpOperation(REPLY_CODE, "REPLY");

    private final int code;
    private final String name;

    private ArpOperation(int code, String name) {
        this.code = code;
        this.name = name;
    }

    /** The constant for {@code code}, or a new instance named {@code UNKNOWN(n)} for other 16-bit codes. */
    public static ArpOperation valueOf(int code) {
        switch (code) {
            case REQUEST_CODE: return REQUEST;
            case REPLY_CODE: return REPLY;
            default:
                if (code < 0 || code > 0xFFFF) {
                    throw new IllegalArgumentException("ARP operation " + code + " is out of range: it is 16 bits (0 to 65535)");
                }
                return new ArpOperation(code, "UNKNOWN(" + code + ")");
        }
    }

    public int intValue() {
        return code;
    }

    public String name() {
        return name;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ArpOperation && ((ArpOperation) o).code == code;
    }

    @Override
    public int hashCode() {
        return code;
    }

    @Override
    public String toString() {
        return name;
    }
}
