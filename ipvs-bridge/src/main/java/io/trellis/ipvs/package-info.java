/**
 * Native bindings for the parts of Linux networking that Java cannot reach: network namespaces
 * ({@code netns}), interface flags ({@code link}) and the raw libc calls under them ({@code libc}).
 * This package holds what they share: {@link io.trellis.ipvs.NativeException} and
 * {@link io.trellis.ipvs.Privileges}. Mechanism only, no policy: which namespaces exist and when
 * interfaces go up is decided by callers. Nothing here shells out to {@code ip}.
 */
package io.trellis.ipvs;
