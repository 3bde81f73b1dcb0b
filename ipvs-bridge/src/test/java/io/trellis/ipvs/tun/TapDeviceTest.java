package io.trellis.ipvs.tun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.trellis.ipvs.NativeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Opening, naming, closing and waiting, each in a fresh namespace. */
@Tag("netns")
class TapDeviceTest {

    private TapNamespace lab;

    @BeforeEach
    void createNamespaceOrSkip() throws Exception {
        lab = TapNamespace.createOrSkip();
    }

    @AfterEach
    void deleteNamespace() throws Exception {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void opensTapByNameThatIpShows() throws Exception {
        TapDevice tap = lab.open(TapOptions.named("trl-tap0"));

        assertThat(tap.name()).isEqualTo("trl-tap0");
        assertThat(tap.fd()).isNotNegative();
        assertThat(tap.vnetHeaderLength()).isZero();
        assertThat(tap.offloads()).isEqualTo(Offloads.NONE);
        assertThat(lab.run("ip", "-o", "-d", "link", "show", "trl-tap0"))
                .contains("trl-tap0:").contains("link/ether").contains("tun type tap");
    }

    @Test
    void kernelChoosesNameWhenNoneIsGiven() throws Exception {
        TapDevice tap = lab.open(TapOptions.kernelNamed());

        assertThat(tap.name()).isEqualTo("tap0");
        assertThat(lab.links()).contains(" tap0:");
    }

    @Test
    void kernelFillsInNameTemplate() throws Exception {
        lab.open(TapOptions.named("trl%d"));

        TapDevice second = lab.open(TapOptions.named("trl%d"));

        assertThat(second.name()).isEqualTo("trl1");
        assertThat(lab.links()).contains(" trl0:").contains(" trl1:");
    }

    @Test
    void closeRemovesInterface() throws Exception {
        TapDevice tap = lab.open(TapOptions.named("gone0"));

        tap.close();
        tap.close();

        assertThat(lab.links()).doesNotContain("gone0");
    }

    @Test
    void secondQueueKeepsMultiQueueInterfaceUntilBothClose() throws Exception {
        TapOptions options = TapOptions.named("mq0").withMultiQueue();
        TapDevice first = lab.open(options);
        TapDevice second = lab.open(options);

        assertThat(second.name()).isEqualTo("mq0");
        assertThat(second.fd()).isNotEqualTo(first.fd());
        first.close();
        assertThat(lab.links()).contains(" mq0:");
        second.close();
        assertThat(lab.links()).doesNotContain("mq0");
    }

    @Test
    void secondOpenOfSingleQueueTapFailsBusy() throws Exception {
        lab.open(TapOptions.named("busy0"));

        assertThatThrownBy(() -> lab.open(TapOptions.named("busy0")))
                .isInstanceOfSatisfying(NativeException.class, e -> assertThat(e.errno()).isEqualTo(16))
                .hasMessage("create TAP busy0: Device or resource busy (errno 16)");
    }

    @Test
    void refusedOffloadIsLeftOffWithoutFailingOpen() throws Exception {
        // drivers/net/tun.c set_offload() takes USO4 only together with USO6.
        TapDevice tap = lab.open(TapOptions.named("off0")
                .withVnetHeader(Offloads.CSUM.plus(Offloads.TSO4).plus(Offloads.USO4)));

        assertThat(tap.offloads()).isEqualTo(Offloads.CSUM.plus(Offloads.TSO4));
        assertThat(tap.vnetHeaderLength()).isEqualTo(VirtioNetHeader.LENGTH);
    }

    @Test
    void nonBlockingReadReturnsZeroWhenNoFrameWaits() throws Exception {
        TapDevice tap = lab.open(TapOptions.named("nb0").withNonBlocking());
        ByteBuffer buf = ByteBuffer.allocateDirect(2048);

        assertThat(tap.isNonBlocking()).isTrue();
        assertThat(tap.read(buf)).isZero();
        assertThat(buf.position()).isZero();
        assertThat(tap.readBatch(new ByteBuffer[] {buf}, new int[1], 0)).isZero();
    }

    @Test
    void awaitReadableTimesOutWhenNoFrameWaits() throws Exception {
        TapDevice tap = lab.open(TapOptions.named("wait0").withNonBlocking());

        long start = System.nanoTime();
        boolean readable = tap.awaitReadable(100);
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(readable).isFalse();
        assertThat(elapsedMillis).isBetween(90L, 2_000L);
    }

    @Test
    void wakeupReleasesWaitingReaderPromptly() throws Exception {
        TapDevice tap = lab.open(TapOptions.named("wake0").withNonBlocking());
        AtomicReference<Thread> reader = new AtomicReference<>();
        CompletableFuture<Long> waited = CompletableFuture.supplyAsync(() -> {
            reader.set(Thread.currentThread());
            long start = System.nanoTime();
            try {
                assertThat(tap.awaitReadable(20_000)).isFalse();
            } catch (NativeException e) {
                throw new AssertionError(e);
            }
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        });
        // The reader is inside poll(2), so the wakeup has a wait to cut short (one sent before is kept anyway).
        await().atMost(Duration.ofSeconds(5)).until(() -> reader.get() != null && Arrays.stream(reader.get().getStackTrace())
                .anyMatch(f -> f.getMethodName().equals("poll")));

        long wokeAt = System.nanoTime();
        tap.wakeup();
        waited.get(5, TimeUnit.SECONDS);

        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - wokeAt)).isLessThan(1_000);
    }

    @Test
    void wakeupBeforeWaitEndsNextWaitOnly() throws Exception {
        TapDevice tap = lab.open(TapOptions.named("wake1").withNonBlocking());
        tap.wakeup();
        tap.wakeup();

        long start = System.nanoTime();
        assertThat(tap.awaitReadable(10_000)).isFalse();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1_000);
        assertThat(tap.awaitReadable(50)).as("both wakeups were consumed by one wait").isFalse();
    }

    @Test
    void readBatchRefusesBlockingDevice() throws Exception {
        TapDevice tap = lab.open(TapOptions.named("blk0"));

        assertThatThrownBy(() -> tap.readBatch(new ByteBuffer[] {ByteBuffer.allocateDirect(64)}, new int[1], 0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("readBatch needs a TAP opened with nonBlocking: blk0 blocks");
    }

    @Test
    void heapBufferIsRefusedBeforeAnySyscall() throws Exception {
        TapDevice tap = lab.open(TapOptions.named("heap0").withNonBlocking());

        assertThatThrownBy(() -> tap.read(ByteBuffer.allocate(64)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("TAP I/O needs a direct ByteBuffer, not a heap one");
    }
}
