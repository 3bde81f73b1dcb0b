/**
 * Network namespaces pinned on files ({@code ip netns} without the {@code ip}): create, open,
 * delete, and run code inside one on a dedicated thread. Binds unshare(2), setns(2) and bind
 * mounts; holds no policy about where namespaces live or what goes into them.
 */
package io.trellis.ipvs.netns;
