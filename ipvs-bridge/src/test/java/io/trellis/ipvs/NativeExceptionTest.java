package io.trellis.ipvs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trellis.ipvs.libc.LibCHolder;
import io.trellis.ipvs.libc.LinuxConstants;
import org.junit.jupiter.api.Test;

class NativeExceptionTest {

    @Test
    void messageNamesOperationTargetReasonAndErrno() {
        NativeException e = new NativeException("setns into", "/run/netns/blue", LinuxConstants.EINVAL);

        assertThat(e).hasMessage("setns into /run/netns/blue: Invalid argument (errno 22)");
        assertThat(e.operation()).isEqualTo("setns into");
        assertThat(e.target()).isEqualTo("/run/netns/blue");
        assertThat(e.errno()).isEqualTo(22);
    }

    @Test
    void checkPassesSuccessThrough() throws NativeException {
        assertThat(NativeException.check(7, "open", "/x")).isEqualTo(7);
    }

    @Test
    void checkReportsErrnoOfFailedCall() {
        int result = LibCHolder.LIBC.close(-1);

        assertThatThrownBy(() -> NativeException.check(result, "close", "fd -1"))
                .isInstanceOfSatisfying(NativeException.class, e -> assertThat(e.errno()).isEqualTo(9))
                .hasMessage("close fd -1: Bad file descriptor (errno 9)");
    }
}
