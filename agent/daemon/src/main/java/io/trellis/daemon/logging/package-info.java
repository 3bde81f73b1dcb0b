/**
 * Structured logs: one logfmt line per event ({@code ts=… level=info logger=Orchestrator msg="…"
 * key=value…}), readable in a terminal and parseable by Loki, Vector or {@code hl}.
 * {@code logback.xml} wires {@link io.trellis.daemon.logging.LogfmtLayout} to stderr.
 */
package io.trellis.daemon.logging;
