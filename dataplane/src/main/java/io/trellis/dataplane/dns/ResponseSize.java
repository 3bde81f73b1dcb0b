package io.trellis.dataplane.dns;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordEncoder;

/**
 * How many answer records fit a size limit. Netty's encoder does not compress names, so every
 * answer record for one name has the same length: the sizes are measured by encoding the question,
 * one record and the OPT record once with the same encoder that will send them.
 */
final class ResponseSize {
    /** The fixed DNS header (RFC 1035 4.1.1). */
    static final int HEADER_BYTES = 12;

    private ResponseSize() {
    }

    /**
     * The number of {@code count} records like {@code sample} that fit in {@code limit} bytes after the
     * header, {@code question} and {@code opt} (null when the answer carries none).
     */
    static int fitting(DnsQuestion question, DnsRecord sample, DnsRecord opt, int limit, int count) {
        ByteBuf scratch = Unpooled.buffer(256);
        try {
            int fixed = HEADER_BYTES + encodedQuestion(question, scratch) + (opt == null ? 0 : encoded(opt, scratch));
            int each = encoded(sample, scratch);
            return Math.max(0, Math.min(count, (limit - fixed) / each));
        } finally {
            scratch.release();
        }
    }

    private static int encodedQuestion(DnsQuestion question, ByteBuf scratch) {
        scratch.clear();
        try {
            DnsRecordEncoder.DEFAULT.encodeQuestion(question, scratch);
        } catch (Exception e) {
            throw new IllegalArgumentException("cannot encode " + question, e);
        }
        return scratch.readableBytes();
    }

    private static int encoded(DnsRecord record, ByteBuf scratch) {
        scratch.clear();
        try {
            DnsRecordEncoder.DEFAULT.encodeRecord(record, scratch);
        } catch (Exception e) {
            throw new IllegalArgumentException("cannot encode " + record, e);
        }
        return scratch.readableBytes();
    }
}
