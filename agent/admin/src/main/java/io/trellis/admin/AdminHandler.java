package io.trellis.admin;


/**
 * Serves one admin request. Runs on an admin worker thread, never on the event loop, so it may
 * block (on a Raft write, say). An exception becomes a 500 reply carrying its message.
 */
@FunctionalInterface
public interface AdminHandler {
    AdminResponse handle(AdminRequest request) throws Exception;
}
